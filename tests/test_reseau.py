"""The plumbing of the several-hosts test (tests/reseau.py): addresses of each run's own, a clear
refusal without the rights, no leftovers from a killed run."""

import ipaddress
import os
import subprocess

import pytest

from tests.reseau import Reseau, ReseauImpossible, nettoyer_les_restes, sous_reseau


def test_chaque_processus_a_son_propre_sous_reseau():
    reseaux = [sous_reseau(pid) for pid in (1, 2, 32768, 2**22 - 1)]
    assert len(set(reseaux)) == 4
    assert all(r.subnet_of(ipaddress.IPv4Network("10.0.0.0/8")) and r.num_addresses == 8 for r in reseaux)


def test_sans_droits_le_reseau_est_refuse_avec_sa_raison(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(ReseauImpossible, match="root"):
        Reseau(["web-a"]).__enter__()


def test_les_restes_d_un_test_tue_sont_enleves_par_le_suivant():
    if os.geteuid() != 0:
        pytest.skip("il faut être root pour créer des espaces de noms réseau (ip netns)")
    mort = subprocess.Popen(["true"])
    mort.wait()  # a pid no process holds any more: that of a run killed before its clean-up
    espace, pont = f"rased{mort.pid}-1", f"rs{mort.pid}-br"
    subprocess.run(["ip", "netns", "add", espace], check=True)
    subprocess.run(["ip", "link", "add", pont, "type", "bridge"], check=True)
    try:
        nettoyer_les_restes()
        espaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
        liens = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
        assert espace not in espaces.split() and f" {pont}:" not in liens
    finally:
        subprocess.run(["ip", "netns", "del", espace], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", pont], capture_output=True, check=False)
