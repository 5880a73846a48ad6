#!/usr/bin/env python3
"""mailsink.py — a local SMTP server that keeps every message it is given, for the tests.

It speaks just enough SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for
libcurl and sendmail-like clients, accepts any sender and recipient, never relays, and writes
each message to DIR/<time>-<n>.eml (written under a hidden name, then renamed, so a reader never
sees half a message) with an X-Envelope-To header naming the recipients. Standard library only
(smtpd left Python in 3.12).

    mailsink.py --dir DIR [--port 0]

Prints its URL (smtp://127.0.0.1:PORT) on the first line of stdout once it listens.
"""
import argparse
import itertools
import os
import socketserver
import sys
import threading
import time

COUNTER = itertools.count(1)
LOCK = threading.Lock()
MAX_MESSAGE = 10 * 1024 * 1024


class Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 mailsink ESMTP ready")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-mailsink")
                self.reply("250-8BITMIME")
                self.reply(f"250 SIZE {MAX_MESSAGE}")
            elif verb == "HELO":
                self.reply("250 mailsink")
            elif verb == "MAIL":
                sender, rcpts = cmd.split(":", 1)[-1].strip().strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                if sender is None:
                    self.reply("503 MAIL first")
                    continue
                rcpts.append(cmd.split(":", 1)[-1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                if not self.receive(rcpts):
                    return
                sender, rcpts = None, []
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def receive(self, rcpts):
        lines, size = [], 0
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return False
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b".."):
                line = line[1:]  # dot-stuffing
            size += len(line)
            if size > MAX_MESSAGE:
                self.reply("552 Too big")
                return False
            lines.append(line)
        keep(self.server.dir, rcpts, b"".join(lines))
        self.reply("250 OK: kept")
        return True


def keep(directory, rcpts, message):
    with LOCK:
        name = f"{time.time():.6f}-{next(COUNTER):06d}.eml"
    tmp = os.path.join(directory, "." + name)
    with open(tmp, "wb") as f:
        f.write(b"X-Envelope-To: " + ", ".join(rcpts).encode("utf-8") + b"\r\n" + message)
    os.rename(tmp, os.path.join(directory, name))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    server = Server(("127.0.0.1", args.port), Handler)
    server.dir = args.dir
    print(f"smtp://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
