"""The reviewed permission matrix: every URL name of the project, its arguments, and what a GET answers.

Arguments are built from a « côté » of tests/securite/monde_complet.py (the objects of école A,
secteur 1, circonscription Nord). Columns, in order (``outils.COLONNES``):

    anonyme enseignant directeur maitre_e maitre_g psychologue circonscription admin
    enseignant_autre_ecole rased_autre_secteur autre_circonscription

Codes: 200, 403, 404, 405; ``L`` a redirect to the sign-in page; ``R`` another redirect.
A new URL must get a row here (test_matrice fails otherwise), after someone has checked its
column against DOMAIN.md « Rules the product enforces » and the view's docstring.
"""

def _pk(attribut):
    return lambda c: {"pk": getattr(c, attribut).pk}


ANNEE = lambda c: {"debut": c.classe.annee.debut}  # noqa: E731
SANS = lambda c: {}  # noqa: E731

ARGUMENTS = {
    "connexion": SANS,
    "deconnexion": SANS,
    "proconnect_connexion": SANS,
    "proconnect_retour": SANS,
    "session_etat": SANS,
    "eleve_liste": SANS,
    "eleve_creer": SANS,
    "eleve_detail": _pk("eleve"),
    "eleve_journal": _pk("eleve"),
    "acces_psychologues": SANS,
    "eleve_modifier": _pk("eleve"),
    "responsable_ajouter": _pk("eleve"),
    "responsable_modifier": _pk("responsable"),
    "responsable_supprimer": _pk("responsable"),
    "plan_ajouter": _pk("eleve"),
    "plan_supprimer": _pk("plan"),
    "ecole_liste": SANS,
    "ecole_detail": _pk("ecole"),
    "classe_detail": _pk("classe"),
    "import_classes": _pk("ecole"),
    "import_modele": SANS,
    "otp_configurer": SANS,
    "otp_verifier": SANS,
    "otp_codes": SANS,
    "otp_codes_regenerer": SANS,
    "accueil": SANS,
    "notifications_lues": SANS,
    "demande_liste": SANS,
    "demande_creer": _pk("eleve"),
    "demande_detail": _pk("principale"),
    "demande_modifier": _pk("brouillon"),
    "demande_envoyer": _pk("brouillon"),
    "demande_supprimer": _pk("brouillon"),
    "seance_liste": SANS,
    "seance_creer": SANS,
    "seance_corriger": _pk("seance"),
    "seance_supprimer": _pk("seance"),
    "eleve_seances": _pk("eleve"),
    "seance_noter": lambda c: {"pk": c.creneau.pk, "jour": c.jour_libre},
    "action_equipe_liste": _pk("ecole"),
    "action_equipe_creer": _pk("ecole"),
    "action_equipe_corriger": _pk("action"),
    "action_equipe_supprimer": _pk("action"),
    "demandes_a_traiter": SANS,
    "demande_prendre_en_charge": _pk("envoyee"),
    "observation_ajouter": _pk("principale"),
    "observation_corriger": _pk("observation"),
    "observation_supprimer": _pk("observation"),
    "consentement_ajouter": _pk("principale"),
    "demande_decider": _pk("envoyee"),
    "demande_reviser_decision": _pk("attente"),
    "reunion_ajouter": _pk("principale"),
    "reunion_detail": _pk("reunion"),
    "reunion_corriger": _pk("reunion"),
    "reunion_supprimer": _pk("reunion"),
    "aide_demarrer": _pk("aide_attente"),
    "aide_arreter_depart": _pk("aide_attente"),
    "aide_ajouter": _pk("principale"),
    "programme_creer": _pk("aide_attente"),
    "programme_detail": _pk("programme"),
    "programme_modifier": _pk("programme_brouillon"),
    "programme_valider": _pk("programme_brouillon"),
    "programme_nouvelle_version": _pk("programme"),
    "competences_recherche": SANS,
    "evaluation_creer": _pk("programme"),
    "evaluation_modifier": _pk("evaluation"),
    "conclusion_creer": _pk("aide_psy"),
    "conclusion_modifier": _pk("conclusion"),
    "programme_pdf": _pk("programme"),
    "demande_pdf": _pk("principale"),
    "reunion_pdf": _pk("reunion"),
    "bilan_pdf": _pk("evaluation"),
    "fiche_suivi_pdf": _pk("eleve"),
    "courrier_pdf": lambda c: {"pk": c.principale.pk, "genre": "information"},
    "rapport_annuel": SANS,
    "rapport_annuel_pdf": ANNEE,
    "rapport_annuel_preparer": ANNEE,
    "rapport_annuel_csv": ANNEE,
    "eleves_aides_choix": SANS,
    "eleves_aides_periode": _pk("ecole"),
    "eleves_aides_periode_pdf": _pk("ecole"),
    "liste_attente": SANS,
    "liste_attente_pdf": SANS,
    "groupe_liste": SANS,
    "groupe_creer": SANS,
    "groupe_detail": _pk("groupe"),
    "groupe_renommer": _pk("groupe"),
    "groupe_ajouter_eleves": _pk("groupe"),
    "groupe_retirer_eleve": lambda c: {"pk": c.groupe.pk, "membre_pk": c.membre.pk},
    "groupe_supprimer": _pk("groupe"),
    "creneau_liste": SANS,
    "creneau_creer": SANS,
    "creneau_detail": _pk("creneau"),
    "creneau_modifier": _pk("creneau"),
    "creneau_supprimer": _pk("creneau"),
    "creneau_non_tenu": lambda c: {"pk": c.creneau.pk, "jour": c.jour_libre},
    "creneau_non_tenu_annuler": lambda c: {"pk": c.creneau.pk, "jour": c.jour_non_tenu},
    "trajet_page": SANS,
    "mon_compte": SANS,
    "double_authentification_choix": SANS,
    "mot_de_passe_oublie": SANS,
    "mot_de_passe_envoye": SANS,
    "mot_de_passe_nouveau": lambda c: {"uidb64": "MQ", "token": "lien-perime"},
    "mot_de_passe_change": SANS,
    "reglages_circonscription": SANS,
    "mon_activite": SANS,
    "mon_activite_pdf": SANS,
    "mon_activite_csv": SANS,
    "droit_acces_eleve": _pk("eleve"),
    "demandes_acces_a_relire": SANS,
    "demande_acces_detail": _pk("acces"),
    "demande_acces_pdf": _pk("acces"),
    "demande_acces_preparer": _pk("acces"),
    "demande_acces_relecture_rased": _pk("acces"),
    "demande_acces_relecture_psy": _pk("acces"),
    "admin:index": SANS,
    "ma_semaine": SANS,
    "mon_agenda": SANS,
    "mon_agenda_creer": SANS,
    "mon_agenda_revoquer": SANS,
    "agenda_ics": SANS,
    "impression_liste": SANS,
    "impression_fiches": SANS,
    "impression_dossier_equipe": _pk("principale"),
    "impression_detail": _pk("impression"),
    "impression_annuler": _pk("impression"),
    "impression_fichier": _pk("impression"),
    "impression_avancement": _pk("impression"),
}


#                                 anon ens  dir  mE   mG   psy  circ adm  ensB rasB sud
ATTENDU = {
    # Signing in and out: the sign-in page sends a signed-in user home; sign-out is POST only.
    "connexion":                   "200  R    R    R    R    R    R    R    R    R    R",
    "deconnexion":                 "405  405  405  405  405  405  405  405  405  405  405",
    # ProConnect's sign-in (eleves/views_proconnect.py): absent while off, as in these tests;
    # on, tests/test_proconnect.py runs it against a provider.
    "proconnect_connexion":        "404  404  404  404  404  404  404  404  404  404  404",
    "proconnect_retour":           "404  404  404  404  404  404  404  404  404  404  404",
    # The session's time left, for the page's script (JSON; anonymous: « connecte: false »).
    "session_etat":                "200  200  200  200  200  200  200  200  200  200  200",
    # Pupils: everyone lists those they see; directeurs and the administrator enrol and edit.
    "eleve_liste":                 "L    200  200  200  200  200  200  200  200  200  200",
    "eleve_creer":                 "L    403  200  403  403  403  403  200  403  403  200",
    "eleve_detail":                "L    200  200  200  200  200  200  200  404  404  404",
    # The access log of a pupil's file: the school's directeur and the IEN (eleves.view_journal).
    "eleve_journal":               "L    403  200  403  403  403  200  403  404  404  404",
    # Who holds the psychologist's role and what those accounts consulted: the psychologists'.
    "acces_psychologues":          "L    403  403  403  403  200  403  403  403  403  403",
    "eleve_modifier":              "L    403  200  403  403  403  403  200  404  404  404",
    "responsable_ajouter":         "L    403  200  403  403  403  403  200  404  404  404",
    "responsable_modifier":        "L    403  200  403  403  403  403  200  404  404  404",
    "responsable_supprimer":       "L    403  200  403  403  403  403  200  404  404  404",
    "plan_ajouter":                "L    403  200  403  403  403  403  200  404  404  404",
    "plan_supprimer":              "L    403  200  403  403  403  403  200  404  404  404",
    # Schools and classes: seen within one's scope; the import is the directeur's and the admin's.
    "ecole_liste":                 "L    200  200  200  200  200  200  200  200  200  200",
    "ecole_detail":                "L    200  200  200  200  200  200  200  404  404  404",
    "classe_detail":               "L    200  200  200  200  200  200  200  404  404  404",
    "import_classes":              "L    403  200  403  403  403  403  200  404  404  404",
    "import_modele":               "L    200  200  200  200  200  200  200  200  200  200",
    # Two-factor pages do not exist while DOUBLE_AUTHENTIFICATION is off (tests/conftest.py).
    "otp_configurer":              "L    404  404  404  404  404  404  404  404  404  404",
    "otp_verifier":                "L    404  404  404  404  404  404  404  404  404  404",
    "otp_codes":                   "L    404  404  404  404  404  404  404  404  404  404",
    "otp_codes_regenerer":         "L    404  404  404  404  404  404  404  404  404  404",
    "accueil":                     "L    200  200  200  200  200  200  200  200  200  200",
    "notifications_lues":          "L    405  405  405  405  405  405  405  405  405  405",
    # Requests: filed by teachers and directeurs; a draft is its author's alone (404 to others);
    # the administrator runs the instance and does not read requests.
    "demande_liste":               "L    200  200  200  200  200  200  200  200  200  200",
    "demande_creer":               "L    200  200  403  403  403  403  403  404  404  404",
    "demande_detail":              "L    200  200  200  200  200  200  404  404  404  404",
    "demande_modifier":            "L    200  404  404  404  404  404  404  404  404  404",
    "demande_envoyer":             "L    405  405  405  405  405  405  405  405  405  405",
    "demande_supprimer":           "L    200  404  404  404  404  404  404  404  404  404",
    # Sessions and pôle ressource: RASED members of the secteur.
    "seance_liste":                "L    403  403  200  200  200  403  403  403  200  403",
    "seance_creer":                "L    403  403  200  200  200  403  403  403  200  403",
    # Correcting or deleting a session: its author (or the stand-in acting for all its aids); the
    # RASED colleagues who read it may not; nobody else reads it (404).
    "seance_corriger":             "L    404  404  200  403  403  404  404  404  404  404",
    "seance_supprimer":            "L    404  404  200  403  403  404  404  404  404  404",
    "eleve_seances":               "L    200  200  200  200  200  200  200  404  404  404",
    # « Noter la séance » of a slot: its member alone; for anyone else the slot does not exist.
    "seance_noter":                "L    404  404  200  404  404  404  404  404  404  404",
    "action_equipe_liste":         "L    200  200  200  200  200  200  200  404  404  404",
    "action_equipe_creer":         "L    403  403  200  200  200  403  403  404  404  404",
    # A team action, a note, a meeting: corrected or deleted by their author alone (here the
    # maître E); whoever else reads them is refused (403), the others do not see them (404).
    "action_equipe_corriger":      "L    403  403  200  403  403  403  403  404  404  404",
    "action_equipe_supprimer":     "L    403  403  200  403  403  403  403  404  404  404",
    # Analysis: the RASED of the secteur; consents and meetings also the school's directeur.
    "demandes_a_traiter":          "L    403  403  200  200  200  403  403  403  200  403",
    "demande_prendre_en_charge":   "L    403  403  200  200  200  403  404  404  404  404",
    "observation_ajouter":         "L    403  403  200  200  200  403  404  404  404  404",
    "observation_corriger":        "L    404  404  200  403  403  404  404  404  404  404",
    "observation_supprimer":       "L    404  404  200  403  403  404  404  404  404  404",
    "consentement_ajouter":        "L    403  200  200  200  200  403  404  404  404  404",
    "demande_decider":             "L    403  403  200  200  200  403  404  404  404  404",
    "demande_reviser_decision":    "L    403  403  200  200  200  403  404  404  404  404",
    "reunion_ajouter":             "L    403  200  200  200  200  403  404  404  404  404",
    "reunion_detail":              "L    200  200  200  200  200  200  404  404  404  404",
    "reunion_corriger":            "L    403  403  200  403  403  403  404  404  404  404",
    "reunion_supprimer":           "L    403  403  200  403  403  403  404  404  404  404",
    # An aid is started by its intervenant (or the stand-in of the same role and secteur) only.
    "aide_demarrer":               "L    403  403  200  403  403  403  404  404  404  404",
    # An aid stopped for the pupil's departure: by its intervenant (or the stand-in) only.
    "aide_arreter_depart":         "L    403  403  200  403  403  403  404  404  404  404",
    "aide_ajouter":                "L    403  403  200  200  200  403  404  404  404  404",
    # An aid E's programme and reviews: read by those who see the request, acted on by maîtres E.
    "programme_creer":             "L    403  403  200  403  403  403  404  404  404  404",
    "programme_detail":            "L    200  200  200  200  200  200  404  404  404  404",
    # A draft is its writers' until validated: it does not exist for the others (404).
    "programme_modifier":          "L    404  404  200  404  404  404  404  404  404  404",
    "programme_valider":           "L    404  404  200  404  404  404  404  404  404  404",
    "programme_nouvelle_version":  "L    403  403  200  403  403  403  404  404  404  404",
    # The skills' search of the objectives' form: the reference list, for RASED members only.
    "competences_recherche":       "L    403  403  200  200  200  403  403  403  200  403",
    "evaluation_creer":            "L    403  403  200  403  403  403  404  404  404  404",
    "evaluation_modifier":         "L    403  403  200  403  403  403  404  404  404  404",
    # Professional secrecy: the psychologist's conclusions exist for psychologists only (404).
    "conclusion_creer":            "L    404  404  404  404  200  404  404  404  404  404",
    "conclusion_modifier":         "L    404  404  404  404  200  404  404  404  404  404",
    # Documents: as the pages; the fiche de suivi is refused to the administrator; the letter of
    # information is printed by the author, the directeur and the RASED of the secteur.
    "programme_pdf":               "L    200  200  200  200  200  200  404  404  404  404",
    "demande_pdf":                 "L    200  200  200  200  200  200  404  404  404  404",
    "reunion_pdf":                 "L    200  200  200  200  200  200  404  404  404  404",
    "bilan_pdf":                   "L    200  200  200  200  200  200  404  404  404  404",
    "fiche_suivi_pdf":             "L    200  200  200  200  200  200  403  404  404  404",
    "courrier_pdf":                "L    200  200  200  200  200  403  404  404  404  404",
    # Reports (aides/views/rapports.py): the yearly report is the circonscription staff's; the
    # lists are the directeur's, the RASED's and the circonscription's (a directeur is sent to
    # their own school's list).
    "rapport_annuel":              "L    403  403  403  403  403  200  403  403  403  403",
    "rapport_annuel_pdf":          "L    403  403  403  403  403  200  403  403  403  403",
    "rapport_annuel_csv":          "L    403  403  403  403  403  200  403  403  403  403",
    # « Préparer le PDF » queues the report for the task queue: POST only (a refused role gets
    # 403 on the POST, tests/aides/test_impressions_documents.py).
    "rapport_annuel_preparer":     "L    405  405  405  405  405  405  405  405  405  405",
    "eleves_aides_choix":          "L    403  R    200  200  200  200  403  403  200  R",
    "eleves_aides_periode":        "L    403  200  200  200  200  200  403  404  404  404",
    "eleves_aides_periode_pdf":    "L    403  200  200  200  200  200  403  404  404  404",
    "liste_attente":               "L    403  200  200  200  200  200  403  403  200  200",
    "liste_attente_pdf":           "L    403  200  200  200  200  200  403  403  200  200",
    # The member's timetable (groups, slots, travel times): RASED members (403 to the other roles
    # on the lists); a group or a slot is looked up among its member's own (404 to everyone else);
    # adding or taking out a pupil is a POST.
    "groupe_liste":                "L    403  403  200  200  200  403  403  403  200  403",
    "groupe_creer":                "L    403  403  200  200  200  403  403  403  200  403",
    "groupe_detail":               "L    404  404  200  404  404  404  404  404  404  404",
    "groupe_renommer":             "L    404  404  200  404  404  404  404  404  404  404",
    "groupe_ajouter_eleves":       "L    405  405  405  405  405  405  405  405  405  405",
    "groupe_retirer_eleve":        "L    405  405  405  405  405  405  405  405  405  405",
    "groupe_supprimer":            "L    404  404  200  404  404  404  404  404  404  404",
    "creneau_liste":               "L    403  403  200  200  200  403  403  403  200  403",
    "creneau_creer":               "L    403  403  200  200  200  403  403  403  200  403",
    "creneau_detail":              "L    404  404  200  404  404  404  404  404  404  404",
    "creneau_modifier":            "L    404  404  200  404  404  404  404  404  404  404",
    "creneau_supprimer":           "L    404  404  200  404  404  404  404  404  404  404",
    "creneau_non_tenu":            "L    404  404  200  404  404  404  404  404  404  404",
    "creneau_non_tenu_annuler":    "L    404  404  200  404  404  404  404  404  404  404",
    "trajet_page":                 "L    403  403  200  200  200  403  403  403  200  403",
    # « Mon compte »: everyone, for themselves; the circonscription's settings: its IEN.
    "mon_compte":                  "L    200  200  200  200  200  200  200  200  200  200",
    "double_authentification_choix": "L  405  405  405  405  405  405  405  405  405  405",
    # « Mot de passe oublié »: open to anyone (a stale link shows « Ce lien n'est plus valable »).
    "mot_de_passe_oublie":         "200  200  200  200  200  200  200  200  200  200  200",
    "mot_de_passe_envoye":         "200  200  200  200  200  200  200  200  200  200  200",
    "mot_de_passe_nouveau":        "200  200  200  200  200  200  200  200  200  200  200",
    "mot_de_passe_change":         "200  200  200  200  200  200  200  200  200  200  200",
    "reglages_circonscription":    "L    403  403  403  403  403  200  403  403  403  403",
    # « Mon activité » (aides/views/activite.py): each RASED member's own figures, no URL names a
    # person (a psychologist's figures stay hers); every other role 403.
    "mon_activite":                "L    403  403  200  200  200  403  403  403  200  403",
    "mon_activite_pdf":            "L    403  403  200  200  200  403  403  403  200  403",
    "mon_activite_csv":            "L    403  403  200  200  200  403  403  403  200  403",
    # The family's right of access (aides/views/droit_acces.py): filed and printed by the school's
    # directeur and the IEN (eleves.repondre_droit_acces); the RASED's part is read and released by
    # a RASED member of the pupil's secteur (eleves.liberer_volet_rased), the psychological part by
    # a psychologist of the secteur (eleves.liberer_volet_psy); the lists of parts to review, every
    # RASED member's (their own secteur's requests).
    "droit_acces_eleve":           "L    403  200  403  403  403  200  403  404  404  404",
    "demandes_acces_a_relire":     "L    403  403  200  200  200  403  403  403  200  403",
    "demande_acces_detail":        "L    403  200  403  403  403  200  403  404  404  404",
    "demande_acces_pdf":           "L    403  200  403  403  403  200  403  404  404  404",
    "demande_acces_preparer":      "L    405  405  405  405  405  405  405  405  405  405",
    "demande_acces_relecture_rased": "L  403  403  200  200  200  403  403  404  404  404",
    "demande_acces_relecture_psy": "L    403  403  403  403  200  403  403  404  404  404",
    # The admin: the administrator alone; anyone else is sent to its sign-in, which refuses them.
    "admin:index":                 "L    L    L    L    L    L    L    200  L    L    L",
    # The member's week and his calendar link (aides/views/semaine.py): RASED members, each his own;
    # the link is made and revoked by POST; the feed answers only to a live token (none here).
    "ma_semaine":                  "L    403  403  200  200  200  403  403  403  200  403",
    "mon_agenda":                  "L    403  403  200  200  200  403  403  403  200  403",
    "mon_agenda_creer":            "L    405  405  405  405  405  405  405  405  405  405",
    "mon_agenda_revoquer":         "L    405  405  405  405  405  405  405  405  405  405",
    "agenda_ics":                  "404  404  404  404  404  404  404  404  404  404  404",
    # Batch prints (aides/views/impressions.py): asked by POST (the pupils outside the asker's scope
    # are left out); a job exists for its asker alone (here the teacher), 404 to everyone else.
    "impression_liste":            "L    200  200  200  200  200  200  200  200  200  200",
    "impression_fiches":           "L    405  405  405  405  405  405  405  405  405  405",
    "impression_dossier_equipe":   "L    405  405  405  405  405  405  405  405  405  405",
    "impression_detail":           "L    200  404  404  404  404  404  404  404  404  404",
    "impression_annuler":          "L    405  405  405  405  405  405  405  405  405  405",
    "impression_fichier":          "L    200  404  404  404  404  404  404  404  404  404",
    "impression_avancement":       "L    200  404  404  404  404  404  404  404  404  404",
}
