"""Connect -> hello through the clients users have, against one NETCONF
server: the OpenSSH client with its defaults (and each cipher named), and
paramiko. Timed from the TCP connection's establishment to the server's
hello read: OpenSSH connects through a ProxyCommand that makes the
connection, notes the time and hands the socket over (ProxyUseFdpass), so
the client's process start is not counted; nothing else of its defaults
changes.

    connect_probe.py PORT USER KEY [--password PW] [-n N] [--label L]

Prints one JSON object: p50/p90 in ms per client."""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PROXY = r"""
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").write(repr(time.monotonic()))
socket.send_fds(socket.socket(fileno=1), [b"\0"], [s.fileno()])
os._exit(0)
"""


def openssh(port, user, key, cipher, stamp):
    cmd = ["ssh", "-p", str(port), "-i", key, "-o", "IdentitiesOnly=yes",
           "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
           "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
           "-o", "ProxyUseFdpass=yes",
           "-o", f"ProxyCommand={sys.executable} -c '{PROXY}' {port} {stamp}"]
    if cipher:
        cmd += ["-c", cipher]
    cmd += ["-s", f"{user}@127.0.0.1", "netconf"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    buf = b""
    while b"]]>]]>" not in buf:
        chunk = p.stdout.read1(65536)
        if not chunk:
            break
        buf += chunk
    done = time.monotonic()
    p.stdin.close()
    p.kill()
    p.wait()
    if b"]]>]]>" not in buf:
        raise RuntimeError("no hello from the server")
    return (done - float(open(stamp).read())) * 1000


def paramiko_once(port, user, key, password):
    import paramiko
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    t = paramiko.Transport(sock)
    try:
        t.start_client(timeout=10)
        if password is not None:
            t.auth_password(user, password)
        else:
            t.auth_publickey(user, paramiko.Ed25519Key.from_private_key_file(key))
        ch = t.open_session()
        ch.invoke_subsystem("netconf")
        buf = b""
        while b"]]>]]>" not in buf:
            chunk = ch.recv(65536)
            if not chunk:
                raise RuntimeError("no hello from the server")
            buf += chunk
        return (time.monotonic() - started) * 1000
    finally:
        t.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("user")
    ap.add_argument("key")
    ap.add_argument("--password")
    ap.add_argument("-n", type=int, default=12)
    ap.add_argument("--label", default="server")
    a = ap.parse_args()
    out = {"label": a.label, "n": a.n}
    with tempfile.TemporaryDirectory() as d:
        stamp = os.path.join(d, "stamp")
        for cipher in [None, "aes128-ctr", "chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"]:
            xs = sorted(openssh(a.port, a.user, a.key, cipher, stamp) for _ in range(a.n))
            out[f"openssh {cipher or 'defaults'}"] = {
                "p50": statistics.median(xs), "p90": xs[int(len(xs) * 0.9) - 1]}
    xs = sorted(paramiko_once(a.port, a.user, a.key, a.password) for _ in range(a.n))
    out["paramiko"] = {"p50": statistics.median(xs), "p90": xs[int(len(xs) * 0.9) - 1]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
