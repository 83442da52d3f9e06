"""Re-encrypt the encrypted columns with the current key, after a rotation of ``SECRET_KEY`` or
``CLE_CHIFFREMENT`` (docs/deploiement.md § 3).

    python manage.py rechiffrer --verifier   # counts only: may a former key be removed?
    python manage.py rechiffrer              # rewrites what a former key encrypted

The stored tokens are read as they are (no model, no signal, no audit entry: the texts do not
change) and rotated (``MultiFernet.rotate``): decrypted with whichever key of the settings opens
them, encrypted with the first. A text stored before the encryption is encrypted. A token that no
key of the settings opens is left untouched and reported: it is still readable with the key
that wrote it, if someone has it, and the command ends in error. Rows are read and written by
batches of ids, each batch in its own transaction: the command can be stopped and run again.
"""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from rased.chiffrement import cles, colonnes_chiffrees
from rased.francais import accorde, quantite

LOT = 1000


def _est_un_jeton(valeur: str) -> bool:
    """A Fernet token: base64url of a version byte 0x80 and a timestamp ("gAAAAA…")."""
    return valeur.startswith("gAAAAA")


class Command(BaseCommand):
    help = "Rechiffre les colonnes chiffrées avec la clé en vigueur, après une rotation des clés."

    def add_arguments(self, parser):
        parser.add_argument("--verifier", action="store_true",
                            help="compter seulement : les valeurs sous une ancienne clé, illisibles ou en clair")

    def handle(self, *args, verifier=False, **options):
        actuelle, toutes = cles()
        totaux = {"a_jour": 0, "ancienne_cle": 0, "en_clair": 0, "illisibles": 0}
        for modele, champ in colonnes_chiffrees():
            comptes = self._colonne(modele, champ, actuelle, toutes, ecrire=not verifier)
            for cle, n in comptes.items():
                totaux[cle] += n
            if any(comptes[c] for c in ("ancienne_cle", "en_clair", "illisibles")):
                self.stdout.write(f"{modele._meta.label}.{champ.name} : " + ", ".join(
                    f"{n} {c.replace('_', ' ')}" for c, n in comptes.items() if n))
        verbe = "à rechiffrer" if verifier else "rechiffrées"
        self.stdout.write(
            f"{len(colonnes_chiffrees())} colonnes ; valeurs déjà sous la clé en vigueur : {totaux['a_jour']} ; "
            f"{verbe} : {totaux['ancienne_cle'] + totaux['en_clair']} (dont {totaux['en_clair']} en clair) ; "
            f"illisibles avec les clés en vigueur : {totaux['illisibles']}."
        )
        if totaux["illisibles"]:
            raise CommandError(
                f"{quantite(totaux['illisibles'], 'une valeur chiffrée')} avec une clé absente des réglages, "
                f"{accorde(totaux['illisibles'], 'laissée telle quelle', 'laissées telles quelles')} : remettre l'ancienne valeur dans SECRET_KEY_FALLBACKS ou CLE_CHIFFREMENT, puis relancer."
            )
        if verifier and totaux["ancienne_cle"] + totaux["en_clair"]:
            raise CommandError("Des valeurs restent sous une ancienne clé : lancer « manage.py rechiffrer » "
                               "avant de retirer une ancienne valeur des réglages.")

    def _colonne(self, modele, champ, actuelle, toutes, *, ecrire) -> dict:
        q = connection.ops.quote_name
        table, colonne, pk = q(modele._meta.db_table), q(champ.column), q(modele._meta.pk.column)
        comptes = {"a_jour": 0, "ancienne_cle": 0, "en_clair": 0, "illisibles": 0}
        dernier = None
        while True:
            with transaction.atomic(), connection.cursor() as curseur:
                apres = "" if dernier is None else f"AND {pk} > %s"
                curseur.execute(
                    f"SELECT {pk}, {colonne} FROM {table} WHERE {colonne} IS NOT NULL AND {colonne} <> '' "
                    f"{apres} ORDER BY {pk} LIMIT {LOT}", [] if dernier is None else [dernier],
                )
                lignes = curseur.fetchall()
                if not lignes:
                    return comptes
                dernier = lignes[-1][0]
                nouvelles = []
                for identifiant, valeur in lignes:
                    jeton = valeur.encode()
                    try:
                        actuelle.decrypt(jeton)
                        comptes["a_jour"] += 1
                        continue
                    except InvalidToken:
                        pass
                    if not _est_un_jeton(valeur):
                        comptes["en_clair"] += 1
                        nouvelles.append((actuelle.encrypt(jeton).decode(), identifiant))
                        continue
                    try:
                        nouvelles.append((toutes.rotate(jeton).decode(), identifiant))
                        comptes["ancienne_cle"] += 1
                    except InvalidToken:
                        comptes["illisibles"] += 1
                if ecrire and nouvelles:
                    curseur.executemany(f"UPDATE {table} SET {colonne} = %s WHERE {pk} = %s", nouvelles)
