"""The signing agent: a keyfile account unlocked once, signing for its user's commands.

``ape run signer start --account insurer`` asks for the account's passphrase once (or reads
``APE_ACCOUNTS_insurer_PASSPHRASE``), keeps the key in its own memory only, and answers on a Unix
socket. While it runs, every command given ``--account insurer`` (the same ape data folder) signs
through it instead of deriving the key from the keyfile on each run: scrypt costs most of a second of
CPU and memory bandwidth per run, and scripted runs would otherwise need the passphrase in their
environment. It works as ssh-agent does, within limits:

- it signs transactions only to the contracts of one deployment, only for that deployment's chain,
  and moving no ether; EIP-712 messages only when their domain is one of those contracts on that chain;
- it stops after ``--lifetime`` (default 8 h), on Ctrl-C, or on ``ape run signer stop``;
- its socket is in a folder of its user's alone (``$XDG_RUNTIME_DIR/medchain``, else
  ``/tmp/medchain-<uid>``, mode 0700): a folder that another user owns or can open is refused by the
  agent and never used by the commands; a connection from another user (by the kernel's peer
  credentials) is closed unread;
- it logs each signature (time, contract, function selector, nonce) on its standard error;
- a command checks every answer: the transaction the agent returns must be the one it asked for,
  signed by the account's address.

What it does not protect against: while it runs, any program of the same user can have it sign calls
to those contracts, as with ssh-agent or a passphrase in that user's environment. Stop it when the
work is done, or give it a short ``--lifetime``.

The protocol is JSON lines over the socket: ``{"method", "params"}`` in, ``{"result"}`` or
``{"error": {"message"}}`` out; methods ``agent_info``, ``account_signTransaction`` (clef's name),
``account_signTypedData`` and ``agent_stop``.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import socketserver
import stat
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

__all__ = ["AgentClient", "AgentError", "SigningAgent", "agent_folder", "find_agent", "running_agents", "socket_path"]

#: The longest request line read (a bulk transaction's calldata, hex-encoded, is a few hundred KB).
MAX_REQUEST = 8 << 20


class AgentError(click.ClickException):
    """The agent cannot be started or used, or refused to sign; the message says why and what to do."""


def agent_folder() -> Path:
    """Where agents' sockets are: ``$XDG_RUNTIME_DIR/medchain``, else ``<tmp>/medchain-<uid>``."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    return Path(base) / "medchain" if base else Path(tempfile.gettempdir()) / f"medchain-{os.getuid()}"


def socket_path(alias: str, data_folder: Path) -> Path:
    """The socket of the agent for ``alias`` of the ape data folder ``data_folder`` (a short name: a Unix
    socket's path is limited to 107 bytes)."""
    digest = hashlib.sha256(f"{Path(data_folder).resolve()}\0{alias}".encode()).hexdigest()[:20]
    return agent_folder() / f"signer-{digest}.sock"


def _check_private(folder: Path) -> None:
    """``folder`` must be a real folder owned by this user that no one else can open."""
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise AgentError(
            f"{folder}: not a folder of this user's alone (owner uid {st.st_uid}, mode "
            f"{stat.filemode(st.st_mode)}): remove it, or set XDG_RUNTIME_DIR to a private folder"
        )


def _private_folder() -> Path:
    folder = agent_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_private(folder)
    return folder


def _peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket (None where the kernel does not say)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return int(uid)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class _Refused(Exception):
    """A request the agent does not sign (the message goes back to the command)."""


class SigningAgent:
    """Signs with ``key`` (an eth-account ``LocalAccount``) for the ``contracts`` (name → address) of one
    deployment (``deployment``: its manifest, as named in messages) on ``chain_id``, answering on ``path`` until ``lifetime`` seconds have passed or it is
    stopped (:meth:`serve`). ``log`` gets one line per signature and per refusal."""

    def __init__(
        self,
        key: Any,
        *,
        alias: str,
        chain_id: int,
        contracts: Mapping[str, str],
        lifetime: float,
        path: Path,
        deployment: str = "its deployment",
        log: Callable[[str], None] = lambda _line: None,
    ):
        self.key, self.alias, self.chain_id, self.path, self.log = key, alias, chain_id, Path(path), log
        self.deployment = deployment
        self.contracts = {address.lower(): name for name, address in contracts.items()}
        self.expires = time.time() + lifetime
        self.lifetime = lifetime
        self._server: socketserver.ThreadingUnixStreamServer | None = None
        self.ready = threading.Event()
        self._done = threading.Event()  # set when it stops: open connections get no more answers

    # -- serving -----------------------------------------------------------------------------------

    def serve(self) -> None:
        """Answer on the socket until the lifetime ends, :meth:`stop` or ``agent_stop``; the socket is removed
        on the way out. An agent already answering on the path is refused; a stale socket file is replaced."""
        _private_folder()
        if self.path.exists():
            running = find_agent_at(self.path)
            if running is not None:
                running.close()
                raise AgentError(
                    f"an agent already signs for {self.alias} on {self.path}: stop it first "
                    f"(ape run signer stop --account {self.alias})"
                )
            self.path.unlink()
        agent = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                agent._handle(self.request, self.rfile, self.wfile)

        server = socketserver.ThreadingUnixStreamServer(str(self.path), Handler, bind_and_activate=False)
        server.daemon_threads = True
        server.server_bind()
        os.chmod(self.path, 0o600)  # its folder already keeps others out
        server.server_activate()
        inode = os.stat(self.path).st_ino
        self._server = server
        timer = threading.Timer(max(0.0, self.lifetime), self._expire)
        timer.daemon = True
        timer.start()
        self.ready.set()
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            self._done.set()
            timer.cancel()
            server.server_close()
            try:
                if os.stat(self.path).st_ino == inode:
                    self.path.unlink()
            except FileNotFoundError:
                pass
            self.ready.clear()

    def _expire(self) -> None:
        self.log(f"{_now()} its lifetime is over")
        self._done.set()
        if self._server is not None:
            self._server.shutdown()

    def stop(self) -> None:
        """Stop serving (from another thread, or a signal handler)."""
        if self._server is not None:
            threading.Thread(target=self._server.shutdown, daemon=True).start()

    def _handle(self, sock: socket.socket, rfile: Any, wfile: Any) -> None:
        uid = _peer_uid(sock)
        if uid is not None and uid != os.getuid():
            self.log(f"{_now()} refused a connection from uid {uid}")
            return
        while True:
            line = rfile.readline(MAX_REQUEST + 1)
            if not line or self._done.is_set():
                return
            if len(line) > MAX_REQUEST:
                wfile.write(b'{"error":{"message":"request too long"}}\n')
                return
            wfile.write(json.dumps(self.answer(line)).encode() + b"\n")
            wfile.flush()

    def answer(self, line: bytes) -> dict[str, Any]:
        """The answer to one request line."""
        try:
            request = json.loads(line)
            method, params = request["method"], request.get("params") or []
            if method == "agent_info":
                return {"result": self.info()}
            if method == "account_signTransaction":
                return {"result": {"raw": self._sign_transaction(params[0])}}
            if method == "account_signTypedData":
                return {"result": {"signature": self._sign_typed_data(*params[:3])}}
            if method == "agent_stop":
                self.log(f"{_now()} stopped by request")
                self._done.set()
                self.stop()
                return {"result": {"stopped": True}}
            return {"error": {"message": f"unknown method {method!r}"}}
        except _Refused as err:
            self.log(f"{_now()} refused: {err}")
            return {"error": {"message": str(err)}}
        except Exception as err:  # noqa: BLE001 - whatever a request holds, the agent answers and goes on
            return {"error": {"message": f"malformed request ({type(err).__name__}: {err})"}}

    def info(self) -> dict[str, Any]:
        return {
            "alias": self.alias,
            "address": self.key.address,
            "chainId": self.chain_id,
            "contracts": {name: address for address, name in self.contracts.items()},
            "deployment": self.deployment,
            "expires": int(self.expires),
            "pid": os.getpid(),
        }

    # -- what it signs ------------------------------------------------------------------------------

    def _contract(self, address: Any, what: str) -> str:
        name = self.contracts.get(str(address or "").lower())
        if name is None:
            raise _Refused(
                f"signs only for the contracts of {self.deployment}; {what} {address or '(a contract creation)'} "
                "is not one of them"
            )
        return name

    def _chain(self, chain_id: Any) -> None:
        if chain_id is None or int(str(chain_id), 0) != self.chain_id:
            raise _Refused(f"signs for chain {self.chain_id} only, not for chain {chain_id}")

    def _sign_transaction(self, tx: dict[str, Any]) -> str:
        from eth_utils import to_checksum_address

        name = self._contract(tx.get("to"), "the transaction's recipient")
        self._chain(tx.get("chainId"))
        if int(str(tx.get("value") or 0), 0) != 0:
            raise _Refused("signs no transaction that moves ether")
        raw = bytes(self.key.sign_transaction({**tx, "to": to_checksum_address(tx["to"])}).raw_transaction)
        data = str(tx.get("data") or "0x")
        self.log(f"{_now()} signed a call to {name} ({tx['to']}), selector {data[:10]}, nonce {tx.get('nonce')}")
        return "0x" + raw.hex()

    def _sign_typed_data(self, domain: dict[str, Any], types: dict[str, Any], message: dict[str, Any]) -> str:
        name = self._contract(domain.get("verifyingContract"), "the message's verifying contract")
        self._chain(domain.get("chainId"))
        signed = self.key.sign_typed_data(domain, types, message)
        self.log(f"{_now()} signed an EIP-712 message for {name} ({domain['verifyingContract']})")
        return "0x" + bytes(signed.signature).hex()


# -- the commands' side --------------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


class AgentClient:
    """A connection to the agent on ``path``; :meth:`sign_transaction` and :meth:`sign_typed_data` check that
    what comes back is what was asked for, signed by :attr:`address`."""

    def __init__(self, path: Path, sock: socket.socket):
        self.path, self._sock = path, sock
        self._reader = sock.makefile("rb")
        self._lock = threading.Lock()
        self.info: dict[str, Any] = self.request("agent_info")
        self.address: str = self.info["address"]

    def request(self, method: str, *params: Any) -> Any:
        """One request and its result; an error answer raises :class:`AgentError` with its message."""
        with self._lock:
            try:
                self._sock.sendall(json.dumps({"method": method, "params": _json_safe(list(params))}).encode() + b"\n")
                line = self._reader.readline()
            except OSError as err:
                line, why = b"", f"{type(err).__name__}: {err}"
            else:
                why = "it closed the connection"
        if not line:
            raise AgentError(f"the signing agent on {self.path} stopped answering ({why}): start it again, then rerun")
        try:
            answer = json.loads(line)
            if "error" in answer:
                raise AgentError(f"the signing agent refused: {answer['error']['message']}")
            return answer["result"]
        except (ValueError, KeyError, TypeError):
            raise AgentError(f"{self.path} answered what a signing agent does not: {line[:80]!r}") from None

    def sign_transaction(self, tx: Mapping[str, Any]) -> bytes:
        """The signed bytes of ``tx`` (an EIP-1559 transaction dict, as :class:`medchain.contracts.Signer` takes)."""
        from eth_account import Account
        from eth_account.typed_transactions import TypedTransaction
        from eth_utils import to_checksum_address
        from hexbytes import HexBytes

        wanted = {"type": 2, **_json_safe(dict(tx))}
        wanted["to"] = to_checksum_address(wanted["to"])
        raw = bytes.fromhex(str(self.request("account_signTransaction", wanted)["raw"]).removeprefix("0x"))
        try:
            same = TypedTransaction.from_bytes(HexBytes(raw)).hash() == TypedTransaction.from_dict(wanted).hash()
            signer = Account.recover_transaction(raw)
        except (ValueError, TypeError) as err:
            raise AgentError(f"the signing agent on {self.path} answered a malformed transaction ({err})") from None
        if not same or signer.lower() != self.address.lower():
            raise AgentError(
                f"the signing agent on {self.path} returned a transaction other than the one asked for, or signed "
                "by another key: nothing was sent; stop that agent"
            )
        return raw

    def sign_typed_data(self, domain: Mapping[str, Any], types: Mapping[str, Any], message: Mapping[str, Any]) -> bytes:
        """The 65-byte signature ``r ‖ s ‖ v`` of EIP-712 typed data, checked to recover to :attr:`address`."""
        from eth_account import Account
        from eth_account.messages import encode_typed_data

        parts: list[dict[str, Any]] = [_json_safe(dict(part)) for part in (domain, types, message)]
        signature = bytes.fromhex(str(self.request("account_signTypedData", *parts)["signature"]).removeprefix("0x"))
        if Account.recover_message(encode_typed_data(*parts), signature=signature).lower() != self.address.lower():
            raise AgentError(f"the signing agent on {self.path} signed with another key: stop that agent")
        return signature

    def stop(self) -> None:
        """Ask the agent to stop."""
        self.request("agent_stop")

    def close(self) -> None:
        self._reader.close()
        self._sock.close()


def find_agent_at(path: Path, timeout: float = 30.0) -> AgentClient | None:
    """A connection to the agent answering on ``path``; None when nothing answers there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
        return AgentClient(path, sock)
    except (OSError, AgentError):  # nothing there, a stale socket, or not an agent that answers
        sock.close()
        return None


def find_agent(path: Path, warn: Callable[[str], None] = lambda _message: None) -> AgentClient | None:
    """The agent answering on ``path`` (:func:`socket_path`), if one runs. In a socket folder that is not this
    user's alone no agent is looked for (its socket could be anyone's): ``warn`` is told, and the command goes
    on without an agent, so a folder planted by another user cannot stop this user's commands."""
    if not path.parent.exists():
        return None
    try:
        _check_private(path.parent)
    except AgentError as err:
        warn(f"no signing agent used: {err.message}")
        return None
    if not path.exists():
        return None
    return find_agent_at(path)


def running_agents() -> Iterator[AgentClient]:
    """Every agent answering in :func:`agent_folder`."""
    folder = agent_folder()
    if not folder.exists():
        return
    _check_private(folder)
    for path in sorted(folder.glob("signer-*.sock")):
        client = find_agent_at(path, timeout=5.0)
        if client is not None:
            yield client
