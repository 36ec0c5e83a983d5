#!/usr/bin/env python3
"""Run a program on a pseudo-terminal (stdin, stdout and stderr all a
terminal), answer the one question it asks, and print everything it wrote.

usage: on_terminal.py QUESTION ANSWER PROGRAM [ARG...]
The environment and the working folder pass through. Writes ANSWER and a
newline once QUESTION has appeared; exits with the program's exit code
(124 when it runs past two minutes, 125 when it never asked).
"""
import os
import pty
import select
import signal
import sys
import time

question, answer, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b""
asked = False
deadline = time.monotonic() + 120
while True:
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGKILL)
        sys.stdout.buffer.write(out)
        sys.exit(124)
    ready, _, _ = select.select([fd], [], [], 1)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:  # the program closed its end of the terminal
        data = b""
    if not data:
        break
    out += data
    if not asked and question in out:
        os.write(fd, answer.encode() + b"\n")
        asked = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status) if asked else 125)
