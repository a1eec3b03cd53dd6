#!/usr/bin/python3
"""A scripted AMQP 1.0 peer for the govbus AMQP adapter tests.

  amqp_peer.py send    --url amqp://127.0.0.1:P --count N [--prefix p] [--body binary|string|map]
                       [--deadline s]
  amqp_peer.py receive --url amqp://127.0.0.1:P --address govbus/out/<id>
                       --actions accept,reject,release,drop [--credit n] [--deadline s]

Prints one JSON object per line as things happen (flushed), so the test can
read the order of events: "open", "sent", "accepted", "rejected", "released",
"received", "closed", and a final "done" (send: with max_unsettled), or
"timeout" when the deadline passes. In receive mode the n-th message gets the
n-th action (the last one repeats); "drop" closes the connection without
settling. TLS: --ca, --cert, --key (client certificate, SASL EXTERNAL).
"""
import argparse
import json
import sys

from proton import Condition, Message, SSLDomain
from proton.handlers import MessagingHandler
from proton.reactor import Container


def say(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def connect(container, args):
    kwargs = {}
    if args.ca:
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(args.ca)
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME, args.ca)
        if args.cert:
            domain.set_credentials(args.cert, args.key, None)
        kwargs["ssl_domain"] = domain
        kwargs["allowed_mechs"] = "EXTERNAL" if args.cert else "ANONYMOUS"
    else:
        kwargs["allowed_mechs"] = "ANONYMOUS"
    return container.connect(args.url, **kwargs)


class Deadline:
    def __init__(self, peer):
        self.peer = peer

    def on_timer_task(self, event):
        say(event="timeout")
        self.peer.finish(event.container)


class Peer(MessagingHandler):
    def __init__(self, args, **kw):
        super().__init__(**kw)
        self.args = args
        self.conn = None

    def on_start(self, event):
        event.container.schedule(self.args.deadline, Deadline(self))
        self.conn = connect(event.container, self.args)
        self.open_link(event.container)

    def finish(self, container):
        if self.conn is not None:
            self.conn.close()
        container.stop()

    def on_link_error(self, event):
        cond = event.link.remote_condition
        say(event="link_error", condition=cond.name if cond else "", description=cond.description if cond else "")

    def on_transport_error(self, event):
        cond = event.transport.condition
        say(event="transport_error", condition=cond.name if cond else "", description=cond.description if cond else "")

    def on_connection_error(self, event):
        cond = event.connection.remote_condition
        say(event="connection_error", condition=cond.name if cond else "", description=cond.description if cond else "")


class Sender(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.sent = 0
        self.settled = 0
        self.max_unsettled = 0
        self.numbers = {}

    def open_link(self, container):
        container.create_sender(self.conn, "govbus/in")

    def on_link_opened(self, event):
        say(event="open")

    def on_sendable(self, event):
        while event.sender.credit and self.sent < self.args.count:
            n = self.sent
            text = "%s-%d" % (self.args.prefix, n)
            body = {"binary": text.encode(), "string": text, "map": {"n": n}}[self.args.body]
            dlv = event.sender.send(Message(body=body, content_type="application/json", id="m-%d" % n))
            self.numbers[dlv.tag] = n
            self.sent += 1
            self.max_unsettled = max(self.max_unsettled, self.sent - self.settled)
            say(event="sent", n=n)

    def outcome(self, event, what, **extra):
        self.settled += 1
        say(event=what, n=self.numbers.get(event.delivery.tag, -1), **extra)
        if self.settled == self.args.count:
            say(event="done", max_unsettled=self.max_unsettled)
            self.finish(event.container)

    def on_accepted(self, event):
        self.outcome(event, "accepted")

    def on_rejected(self, event):
        cond = event.delivery.remote.condition
        self.outcome(event, "rejected", condition=cond.name if cond else "",
                     description=cond.description if cond else "")

    def on_released(self, event):
        self.outcome(event, "released")


class Receiver(Peer):
    def __init__(self, args):
        super().__init__(args, prefetch=0, auto_accept=False)
        self.actions = args.actions.split(",")
        self.count = 0

    def open_link(self, container):
        rcv = container.create_receiver(self.conn, self.args.address)
        rcv.flow(self.args.credit)

    def on_link_opened(self, event):
        say(event="open")

    def on_link_closed(self, event):
        say(event="closed")

    def on_message(self, event):
        action = self.actions[min(self.count, len(self.actions) - 1)]
        self.count += 1
        body = event.message.body
        if isinstance(body, (bytes, memoryview)):
            body = bytes(body).decode()
        say(event="received", body=body, id=str(event.message.id), content_type=event.message.content_type,
            subject=event.message.subject)
        dlv = event.delivery
        if action == "accept":
            self.accept(dlv)
        elif action == "reject":
            dlv.local.condition = Condition("app:refused", "the department refuses it")
            self.reject(dlv)
        elif action == "release":
            self.release(dlv, delivered=False)
        elif action == "drop":
            say(event="dropping")
            self.finish(event.container)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["send", "receive"])
    p.add_argument("--url", required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--prefix", default="msg")
    p.add_argument("--body", choices=["binary", "string", "map"], default="binary")
    p.add_argument("--address", default="")
    p.add_argument("--actions", default="accept")
    p.add_argument("--credit", type=int, default=10)
    p.add_argument("--deadline", type=float, default=20.0)
    p.add_argument("--ca", default="")
    p.add_argument("--cert", default="")
    p.add_argument("--key", default="")
    args = p.parse_args()
    handler = Sender(args) if args.mode == "send" else Receiver(args)
    Container(handler).run()


if __name__ == "__main__":
    main()
