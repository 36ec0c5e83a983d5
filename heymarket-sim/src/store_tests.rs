//! Tests of the contact store: indexes, windows, phone keys.

use super::*;

fn write(phone: &str, email: &str) -> ContactWrite {
    ContactWrite {
        phone: Some(phone.to_string()),
        email: Some(email.to_string()),
        ..ContactWrite::default()
    }
}

#[test]
fn phone_keys_keep_leading_zeros_apart() {
    assert_ne!(phone_key("0123456789"), phone_key("123456789"));
    assert_eq!(phone_key("999999999999999").map(|k| k >> 50), Some(15));
    assert_eq!(phone_key("1234567890123456"), None);
    assert_eq!(phone_key("+1510555"), None);
    assert_eq!(phone_key(""), None);
}

#[test]
fn indexes_follow_updates_and_deletes() {
    let mut store = Store::default();
    let a = store.create(&write("15105550001", "A@x.com"), 100).unwrap();
    let b = store.create(&write("15105550002", "a@X.com"), 100).unwrap();
    assert_eq!(store.ids_by_email("a@x.com"), [a, b]);
    assert!(store.create(&write("15105550001", ""), 100).is_err());

    store
        .update(a, &write("15105550003", "c@x.com"), 200)
        .unwrap();
    assert_eq!(store.id_by_phone("15105550001"), None);
    assert_eq!(store.id_by_phone("15105550003"), Some(a));
    assert_eq!(store.ids_by_email("a@x.com"), [b]);
    assert_eq!(store.get(a).map(|c| (c.updated, c.rev)), Some((200, 2)));
    let newest = Window {
        ascending: false,
        date: None,
        inclusive: false,
    };
    let order: Vec<i64> = store.page(newest, 0, 10).iter().map(|c| c.id).collect();
    assert_eq!(order, [a, b]);

    assert!(store.delete(b));
    assert!(!store.delete(b));
    assert_eq!(store.len(), 1);
    assert_eq!(store.id_by_phone("15105550002"), None);
    assert!(store.ids_by_email("a@x.com").is_empty());
    assert_eq!(store.count(newest), 1);
}

#[test]
fn windows_bound_by_whole_seconds() {
    let mut store = Store::default();
    for (i, t) in [10, 20, 20, 30].into_iter().enumerate() {
        let id = store
            .create(&write(&format!("1510555000{i}"), ""), t)
            .unwrap();
        assert_eq!(id, i as i64 + 1);
    }
    let ids = |ascending, date, inclusive| -> Vec<i64> {
        let window = Window {
            ascending,
            date: Some(date),
            inclusive,
        };
        store.page(window, 0, 10).iter().map(|c| c.id).collect()
    };
    assert_eq!(ids(false, (20, 0), false), [1]);
    assert_eq!(ids(false, (20, 0), true), [3, 2, 1]);
    assert_eq!(ids(false, (20, 5), false), [3, 2, 1]);
    assert_eq!(ids(true, (20, 0), false), [4]);
    assert_eq!(ids(true, (20, 0), true), [2, 3, 4]);
    assert_eq!(ids(true, (19, 5), false), [2, 3, 4]);
    assert_eq!(ids(true, (19, 5), true), [2, 3, 4]);
}
