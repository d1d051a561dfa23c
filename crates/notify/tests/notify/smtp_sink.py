"""A real SMTP server on loopback for motcua-notify's tests (aiosmtpd).

    python3 smtp_sink.py OUT_DIR [USER:PASSWORD]

Listens on 127.0.0.1 on a free port and prints the port on its first line
of output. Each accepted message is kept as OUT_DIR/NNNN.eml (the bytes as
received) beside OUT_DIR/NNNN.json (the envelope and the user it logged in
as). With USER:PASSWORD, AUTH (PLAIN, LOGIN) is required and checked.
Recipients at refused.invalid are answered 550, at later.invalid 451.
Stops when its standard input closes.
"""

import asyncio
import json
import logging
import os
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data):
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Sink:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.invalid"):
            return "550 5.1.1 No such user here"
        if address.endswith("@later.invalid"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, "%04d" % self.count)
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login}
        write_atomically(base + ".json", json.dumps(meta).encode())
        write_atomically(base + ".eml", envelope.original_content)
        return "250 OK"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    # aiosmtpd warns that AUTH goes without TLS: on loopback, on purpose.
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    out = sys.argv[1]
    options = {"hostname": "motcua-test-sink", "enable_SMTPUTF8": True}
    if len(sys.argv) > 2:
        user, password = sys.argv[2].split(":", 1)
        options.update(
            authenticator=Authenticator(user, password),
            auth_required=True,
            auth_require_tls=False,
        )
    sink = Sink(out)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **options), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
