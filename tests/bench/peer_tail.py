#!/usr/bin/env python3
"""The peer bench_drain measures `confab-cli tail` against: what the original terminal app's
stack (redis-py with the hiredis parser) does to follow a channel of protocol 2 and print it.

It subscribes to the channel's notices, and on a notice reads every entry after the last one
it printed (XRANGE pages of 1000), printing one line per message, "[time] <from> text", as
confab-cli tail does. Notices already waiting are taken together (one read answers them all),
and output is flushed once nothing more is waiting, as a careful script would.

Usage: peer_tail.py PORT CHANNEL   (prints "ready" on stderr once subscribed)
"""
import datetime
import sys

import redis


def main():
    port, channel = int(sys.argv[1]), sys.argv[2]
    r = redis.Redis(host="127.0.0.1", port=port)
    log = "channel:{%s}:log" % channel
    # Where the log ends before subscribing: the bench posts once it sees the subscription, and
    # a post read here as "already there" would never be printed.
    newest = r.xrevrange(log, count=1)
    last = newest[0][0].decode() if newest else "0-0"
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe("channel:{%s}" % channel)
    while p.get_message(timeout=1.0) is None and not p.subscribed:
        pass
    print("ready", file=sys.stderr, flush=True)
    out = sys.stdout
    while True:
        if p.get_message(timeout=1.0) is None:
            continue
        while p.get_message(timeout=0) is not None:
            pass
        while True:
            entries = r.xrange(log, min="(" + last, max="+", count=1000)
            if not entries:
                break
            for entry_id, fields in entries:
                ms = int(entry_id.split(b"-")[0])
                when = datetime.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")
                sender = fields.get(b"name") or fields.get(b"from", b"?")
                text = fields.get(b"text", b"").decode("utf-8", "replace")
                out.write("[%s] <%s> %s\n" % (when, sender.decode("utf-8", "replace"), text))
            last = entries[-1][0].decode()
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
