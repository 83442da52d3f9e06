"""Hosts of their own for the test of several servers (tests/test_plusieurs_serveurs.py): Linux
network namespaces joined by a bridge, and a relay to the PostgreSQL of the machine.

Each host is a network namespace (``ip netns add``) with one interface, the end of a veth pair
whose other end sits on a bridge of the root namespace; the bridge holds the root namespace's
address in the same /29. A host reaches the root namespace only, through the bridge, and the root
namespace reaches each host. PostgreSQL listens on 127.0.0.1 of the root namespace, out of the
hosts' reach, and its configuration is not the test's to change: ``Relais`` listens on the
bridge's address (nowhere else) and copies the bytes to 127.0.0.1:5432, noting who connected.

Names and addresses come from the test process's pid: two runs at once (the workers of
pytest-xdist, another checkout on the same machine) never share them. Everything made is removed
on exit, failure included; what a killed run left behind is removed by the next one.
"""

import contextlib
import ipaddress
import os
import re
import socket
import socketserver
import subprocess
import threading

PREFIXE_ESPACE = "rased"  # namespaces: rased<pid>-<n>
PREFIXE_LIEN = "rs"  # root-side interfaces (15 characters at most): rs<pid>-<n>, rs<pid>-br


class ReseauImpossible(Exception):
    """The machine does not let this process make namespaces (not root, no iproute2...)."""


def _ip(*arguments: str, verifier: bool = True) -> str:
    fini = subprocess.run(["ip", *arguments], capture_output=True, text=True, check=False)
    if verifier and fini.returncode:
        raise subprocess.CalledProcessError(fini.returncode, ["ip", *arguments], fini.stdout, fini.stderr)
    return fini.stdout


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sous_reseau(pid: int) -> ipaddress.IPv4Network:
    """A /29 of 10.0.0.0/8 of this pid's own (2^21 of them: more than any pid_max in use)."""
    return ipaddress.IPv4Network((int(ipaddress.IPv4Address("10.0.0.0")) + (pid % 2**21) * 8, 29))


def nettoyer_les_restes() -> None:
    """Remove the namespaces and interfaces of runs whose process is gone (killed before its
    clean-up), and this pid's own should an earlier process of the same pid have left them."""
    for ligne in _ip("netns", "list", verifier=False).splitlines():
        if (m := re.match(rf"({PREFIXE_ESPACE}(\d+)-\d+)\b", ligne)) and (
                int(m[2]) == os.getpid() or not _vivant(int(m[2]))):
            _ip("netns", "del", m[1], verifier=False)
    for ligne in _ip("-o", "link", "show", verifier=False).splitlines():
        if (m := re.match(rf"\d+: ({PREFIXE_LIEN}(\d+)-\w+)[@:]", ligne)) and (
                int(m[2]) == os.getpid() or not _vivant(int(m[2]))):
            _ip("link", "del", m[1], verifier=False)


class Reseau:
    """``hotes`` namespaces on one bridge: ``adresses[hote]``, ``adresse_racine`` (the bridge's),
    ``commande(hote, argv)`` (argv run inside the host). A context manager: made on entry,
    removed on exit, even after a failure."""

    def __init__(self, hotes: list[str]):
        pid = os.getpid()
        reseau = sous_reseau(pid)
        hotes_ip = list(reseau.hosts())  # 6 addresses: the root namespace's, then one per host
        if len(hotes) > len(hotes_ip) - 1:
            raise ValueError("au plus 5 hôtes par réseau")
        self.prefixe = reseau.prefixlen
        self.pont = f"{PREFIXE_LIEN}{pid}-br"
        self.adresse_racine = str(hotes_ip[0])
        self.espaces = {hote: f"{PREFIXE_ESPACE}{pid}-{n}" for n, hote in enumerate(hotes, start=1)}
        self.liens = {hote: f"{PREFIXE_LIEN}{pid}-{n}" for n, hote in enumerate(hotes, start=1)}
        self.adresses = {hote: str(hotes_ip[n]) for n, hote in enumerate(hotes, start=1)}

    def __enter__(self):
        if os.geteuid() != 0:
            raise ReseauImpossible("il faut être root pour créer des espaces de noms réseau (ip netns)")
        try:
            nettoyer_les_restes()
            _ip("link", "add", self.pont, "type", "bridge")
        except FileNotFoundError as erreur:
            raise ReseauImpossible("la commande ip (iproute2) est absente") from erreur
        except subprocess.CalledProcessError as erreur:
            raise ReseauImpossible(f"ip link add … type bridge refusé : {erreur.stderr.strip()}") from erreur
        try:
            _ip("addr", "add", f"{self.adresse_racine}/{self.prefixe}", "dev", self.pont)
            _ip("link", "set", self.pont, "up")
            for hote, espace in self.espaces.items():
                try:
                    _ip("netns", "add", espace)
                except subprocess.CalledProcessError as erreur:
                    raise ReseauImpossible(f"ip netns add refusé : {erreur.stderr.strip()}") from erreur
                # The host's end is made inside its namespace, where « eth0 » is free.
                _ip("link", "add", self.liens[hote], "type", "veth", "peer", "name", "eth0", "netns", espace)
                _ip("link", "set", self.liens[hote], "master", self.pont, "up")
                _ip("-n", espace, "addr", "add", f"{self.adresses[hote]}/{self.prefixe}", "dev", "eth0")
                _ip("-n", espace, "link", "set", "eth0", "up")
                _ip("-n", espace, "link", "set", "lo", "up")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def commande(self, hote: str, argv: list[str]) -> list[str]:
        """``argv`` run in ``hote``'s namespace (``ip netns exec`` then exec: same pid)."""
        return ["ip", "netns", "exec", self.espaces[hote], *argv]

    def __exit__(self, *exc):
        for espace in self.espaces.values():
            # The test stopped its processes; any left in a namespace is one of them (its child).
            for pid in _ip("netns", "pids", espace, verifier=False).split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), 9)
            _ip("netns", "del", espace, verifier=False)
        for lien in self.liens.values():  # deletes both ends of the pair
            _ip("link", "del", lien, verifier=False)
        _ip("link", "del", self.pont, verifier=False)
        return False


class Relais(socketserver.ThreadingTCPServer):
    """TCP relay from ``ecoute`` (address, port; 0: any free port) to ``cible``; ``clients``:
    the address of each connection received, in order. Serves in a thread of its own."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, ecoute: tuple[str, int], cible: tuple[str, int]):
        self.cible = cible
        self.clients: list[str] = []
        super().__init__(ecoute, _Copie)
        self._fil = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self):
        self._fil.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        return False


class _Copie(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.clients.append(self.client_address[0])
        with socket.create_connection(self.server.cible) as amont:
            retour = threading.Thread(target=_copier, args=(amont, self.request), daemon=True)
            retour.start()
            _copier(self.request, amont)
            retour.join()


def _copier(source: socket.socket, destination: socket.socket) -> None:
    """Bytes from ``source`` to ``destination`` until ``source`` ends, then end ``destination``'s
    writing side: a host killed mid-query closes its PostgreSQL connection too."""
    try:
        while donnees := source.recv(65536):
            destination.sendall(donnees)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            destination.shutdown(socket.SHUT_WR)
