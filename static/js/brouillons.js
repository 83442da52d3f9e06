// No typed work lost (issue 13), without inline scripts (the CSP allows only 'self'):
// - a form marked data-brouillon keeps a draft in the browser as it is typed, per person, page and
//   form; the page offers to restore it; a save confirmed by the server, sign-out, or 7 days drop it;
//   a psychologist's drafts stay in the tab's sessionStorage (body's data-brouillon-stockage);
// - before sending, the page checks the network and the session: network down, it says
//   « Non envoyé — réessayer » and keeps everything; session ended, it goes to sign-in and comes
//   back to the form with the draft restored;
// - two minutes before the idle limit, a warning offers « Rester connecté ».
// Without JavaScript the forms are sent as before. The server's side: eleves/templatetags/brouillons.py
// (the body's data attributes), eleves.views.session_etat, rased.middleware.brouillons_enregistres.
(() => {
  "use strict";

  const PREFIXE = "rased-brouillon:";
  const DUREE_MS = 7 * 24 * 3600 * 1000;
  const AVERTIR_S = 120;
  const EXPIREE = "rased-session-expiree";
  const corps = document.body;
  const personne = corps.dataset.personne || "";
  const adresseSession = corps.dataset.session;
  const adresseConnexion = corps.dataset.connexion;

  function stockage(nom) {
    try {
      const s = window[nom];
      s.getItem(PREFIXE);
      return s;
    } catch {
      return null;  // storage refused by the browser: no drafts, the forms still work
    }
  }
  const onglet = stockage("sessionStorage");
  const stockages = [stockage("localStorage"), onglet].filter(Boolean);
  const stockageDraft = stockage(corps.dataset.brouillonStockage === "session" ? "sessionStorage" : "localStorage");

  function cles(s, debut) {
    const trouvees = [];
    for (let i = 0; i < s.length; i += 1) {
      const cle = s.key(i);
      if (cle && cle.startsWith(debut)) trouvees.push(cle);
    }
    return trouvees;
  }

  function effacer(debut) {
    for (const s of stockages) for (const cle of cles(s, debut)) s.removeItem(cle);
  }

  function lireBrouillon(cle) {
    try {
      return JSON.parse(stockageDraft.getItem(cle));
    } catch {
      return null;
    }
  }

  // Drafts older than 7 days go, whoever wrote them.
  for (const s of stockages) {
    for (const cle of cles(s, PREFIXE)) {
      let t = 0;
      try { t = JSON.parse(s.getItem(cle)).t; } catch { /* unreadable: dropped */ }
      if (!(Date.now() - t < DUREE_MS)) s.removeItem(cle);
    }
  }

  if (personne) {
    onglet?.removeItem(EXPIREE);
    // The saves the server confirmed (a POST answered by a redirect): their drafts go.
    let enregistres = [];
    try { enregistres = JSON.parse(corps.dataset.brouillonsEnregistres || "[]"); } catch { /* none */ }
    for (const adresse of enregistres) effacer(`${PREFIXE}${personne}:${adresse}#`);
  }

  // Sign-out drops every draft of the person, in both storages.
  document.addEventListener("submit", (event) => {
    if (personne && event.target.matches("form[data-deconnexion]")) effacer(`${PREFIXE}${personne}:`);
  });

  function alerte(classe, role) {
    const div = document.createElement("div");
    div.className = `alert ${classe}`;
    div.setAttribute("role", role);
    return div;
  }

  function bouton(texte, classe) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn btn-sm ${classe}`;
    b.textContent = texte;
    return b;
  }

  function quand(t) {
    const d = new Date(t);
    const deux = (n) => String(n).padStart(2, "0");
    return `${deux(d.getDate())}/${deux(d.getMonth() + 1)}/${d.getFullYear()} à ${deux(d.getHours())}:${deux(d.getMinutes())}`;
  }

  // --- The session's end: sign in again and come back to the page --------------------------------

  function allerSeConnecter() {
    onglet?.setItem(EXPIREE, "1");
    const suite = encodeURIComponent(location.pathname + location.search);
    location.assign(`${adresseConnexion}?next=${suite}`);
  }

  // The sign-in page after a session ended while a form was being typed.
  if (!personne && onglet?.getItem(EXPIREE)) {
    const formulaire = document.querySelector("main form");
    if (formulaire) {
      const info = alerte("alert-info", "status");
      info.textContent = "Votre session a expiré. Vos saisies sont conservées dans ce navigateur : "
        + "reconnectez-vous pour les retrouver.";
      formulaire.before(info);
    }
  }

  // --- Drafts of the forms marked data-brouillon ---------------------------------------------------

  const NON_GARDES = new Set(["csrfmiddlewaretoken"]);
  const CLE_ENVOI = "cle_envoi";

  function champsGardes(form) {
    return [...form.elements].filter((el) => el.name && !el.disabled && !NON_GARDES.has(el.name)
      && !["file", "submit", "button", "reset"].includes(el.type)
      && !/-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(el.name));
  }

  function lire(form) {
    const champs = {};
    for (const el of champsGardes(form)) {
      const valeurs = champs[el.name] || (champs[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) valeurs.push(el.value);
      } else if (el.type === "select-multiple") {
        for (const option of el.selectedOptions) valeurs.push(option.value);
      } else {
        valeurs.push(el.value);
      }
    }
    return champs;
  }

  function memesSaisies(a, b) {
    const sansCle = (champs) => JSON.stringify(Object.entries(champs).filter(([nom]) => nom !== CLE_ENVOI).sort());
    return sansCle(a) === sansCle(b);
  }

  function restaurer(form, champs) {
    const rangs = {};
    for (const el of champsGardes(form)) {
      const valeurs = champs[el.name];
      if (valeurs === undefined) continue;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = valeurs.includes(el.value);
      } else if (el.type === "select-multiple") {
        for (const option of el.options) option.selected = valeurs.includes(option.value);
      } else {
        const rang = rangs[el.name] || 0;
        rangs[el.name] = rang + 1;
        if (rang < valeurs.length) el.value = valeurs[rang];
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function brancher(form) {
    const cle = `${PREFIXE}${personne}:${location.pathname}${location.search}#${form.dataset.brouillon || "formulaire"}`;
    const garder = (plus = {}) => {
      try {
        stockageDraft.setItem(cle, JSON.stringify({ t: Date.now(), champs: lire(form), ...plus }));
      } catch { /* storage full or refused: the form itself still works */ }
    };

    const precedent = lireBrouillon(cle);
    if (precedent && precedent.champs) {
      if (precedent.session_expiree) {
        restaurer(form, precedent.champs);
        garder();
        const info = alerte("alert-success", "status");
        info.textContent = "Votre session avait expiré : vos saisies ont été conservées.";
        form.before(info);
      } else if (precedent.envoye) {
        // Sent, and the same page is back: with its errors (it shows what was sent), or without
        // having reached the server (the session ended in between): then what was typed returns.
        if (!document.getElementById("erreurs") && !memesSaisies(precedent.champs, lire(form))) {
          restaurer(form, precedent.champs);
          const info = alerte("alert-warning", "status");
          info.textContent = "Votre dernier envoi n'a pas été enregistré : vos saisies ont été conservées.";
          form.before(info);
        }
        garder();
      } else if (!memesSaisies(precedent.champs, lire(form))) {
        const offre = alerte("alert-info d-flex flex-wrap align-items-center gap-2", "status");
        const texte = document.createElement("span");
        texte.textContent = "Ce formulaire a des saisies non enregistrées, gardées dans ce navigateur.";
        const restaurerBouton = bouton(`Restaurer le brouillon du ${quand(precedent.t)}`, "btn-primary");
        const ignorer = bouton("Ignorer", "btn-outline-dark");
        offre.append(texte, restaurerBouton, ignorer);
        form.before(offre);
        restaurerBouton.addEventListener("click", () => {
          restaurer(form, precedent.champs);
          garder();
          offre.remove();
          form.querySelector("input:not([type=hidden]), textarea, select")?.focus();
        });
        ignorer.addEventListener("click", () => {
          stockageDraft.removeItem(cle);
          offre.remove();
        });
      }
    }

    form.addEventListener("input", () => garder());
    // The session ended while the page was open (the warning below): what was typed comes back
    // by itself after sign-in.
    form.addEventListener("brouillon:expiree", () => {
      if (stockageDraft.getItem(cle)) garder({ session_expiree: true });
    });
    form.addEventListener("change", () => garder());

    // Sending: first a look at the network and the session (a GET that is not activity). Network
    // down: nothing is sent, the page says so and keeps everything; session ended: sign in first.
    // Otherwise the browser sends the form as usual (the draft goes when the server confirms).
    let enCours = false;
    let banniere = null;

    const envoyer = (declencheur) => {
      if (enCours) return;
      enCours = true;
      banniere?.remove();
      garder();
      fetch(adresseSession, {
        headers: { "X-Rased-Sans-Activite": "1", Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(etatDeSession)
        .then((etat) => {
          if (etat && etat.connecte === false) {
            garder({ session_expiree: true });
            allerSeConnecter();
            return;
          }
          garder({ envoye: true });
          form.dataset.brouillonPret = "1";
          if (declencheur && declencheur.form === form) form.requestSubmit(declencheur);
          else form.requestSubmit();
          // The browser sends it now; a page brought back by « Précédent » may send again (a second
          // copy is one record: the form's one-time key).
          enCours = false;
        })
        .catch(() => {
          enCours = false;
          banniere = alerte("alert-warning", "alert");
          banniere.dataset.nonEnvoye = "";
          const texte = document.createElement("p");
          texte.className = "mb-2";
          const fort = document.createElement("strong");
          fort.textContent = "Non envoyé — réessayer";
          texte.append(fort, " : le réseau ne répond pas. Vos saisies sont gardées sur cette page ; "
            + "quand la connexion revient, un clic suffit pour les envoyer.");
          const reessayer = bouton("Réessayer l'envoi", "btn-primary");
          reessayer.addEventListener("click", () => envoyer(declencheur));
          banniere.append(texte, reessayer);
          (declencheur && declencheur.form === form ? declencheur : form.lastElementChild).before(banniere);
        });
    };

    form.addEventListener("submit", (event) => {
      if (form.dataset.brouillonPret) {
        delete form.dataset.brouillonPret;
        return;  // checked: the browser sends it
      }
      event.preventDefault();
      envoyer(event.submitter);
    });
  }

  async function etatDeSession(reponse) {
    if (reponse.redirected && new URL(reponse.url).pathname === adresseConnexion) return { connecte: false };
    try {
      return await reponse.json();
    } catch {
      return null;  // an unexpected answer: let the form go as without this script
    }
  }

  if (personne && stockageDraft && adresseSession) {
    document.querySelectorAll("form[data-brouillon]").forEach(brancher);
  }

  // --- « Rester connecté », two minutes before the idle limit -------------------------------------

  let minuteur = null;
  let avertissement = null;

  function planifier(secondes) {
    clearTimeout(minuteur);
    minuteur = setTimeout(verifierSession, Math.max(0, secondes - AVERTIR_S) * 1000);
  }

  function verifierSession() {
    fetch(adresseSession, {
      headers: { "X-Rased-Sans-Activite": "1", Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(etatDeSession)
      .then((etat) => {
        if (!etat) return;
        if (etat.connecte === false) sessionTerminee();
        // Another tab kept the session alive: wait again.
        else if (etat.expire_dans > AVERTIR_S + 5) planifier(etat.expire_dans);
        else avertir(etat.expire_dans);
      })
      .catch(() => { minuteur = setTimeout(verifierSession, 30_000); });
  }

  function zoneAvertissement() {
    if (!avertissement) {
      avertissement = alerte("alert-warning shadow position-fixed bottom-0 start-50 translate-middle-x mb-3 z-3", "alert");
      avertissement.dataset.avertissementSession = "";
      document.body.append(avertissement);
    }
    avertissement.replaceChildren();
    return avertissement;
  }

  function avertir(secondes) {
    const zone = zoneAvertissement();
    const texte = document.createElement("p");
    texte.className = "mb-2";
    const minutes = Math.max(1, Math.round(secondes / 60));
    texte.textContent = `Sans activité de votre part, votre session se terminera dans ${minutes} minute${minutes > 1 ? "s" : ""}. `
      + "Souhaitez-vous rester connecté ?";
    const rester = bouton("Rester connecté", "btn-primary");
    rester.addEventListener("click", resterConnecte);
    zone.append(texte, rester);
    clearTimeout(minuteur);
    minuteur = setTimeout(verifierSession, Math.max(1, secondes) * 1000);
  }

  function resterConnecte() {
    const jeton = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
    fetch(adresseSession, {
      method: "POST",
      headers: { "X-CSRFToken": jeton, Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(etatDeSession)
      .then((etat) => {
        if (etat && etat.connecte) {
          avertissement?.remove();
          avertissement = null;
          planifier(etat.expire_dans);
        } else {
          sessionTerminee();
        }
      })
      .catch(() => {
        const zone = zoneAvertissement();
        const texte = document.createElement("p");
        texte.className = "mb-2";
        texte.textContent = "Le serveur ne répond pas : vérifiez la connexion, puis réessayez.";
        const rester = bouton("Rester connecté", "btn-primary");
        rester.addEventListener("click", resterConnecte);
        zone.append(texte, rester);
      });
  }

  function sessionTerminee() {
    clearTimeout(minuteur);
    // What was typed stays here, and comes back after sign-in.
    document.querySelectorAll("form[data-brouillon]").forEach((form) => form.dispatchEvent(new Event("brouillon:expiree")));
    const zone = zoneAvertissement();
    const texte = document.createElement("p");
    texte.className = "mb-2";
    texte.textContent = "Votre session a expiré. Vos saisies sont conservées dans ce navigateur.";
    const reconnecter = bouton("Se reconnecter", "btn-primary");
    reconnecter.addEventListener("click", allerSeConnecter);
    zone.append(texte, reconnecter);
  }

  // The page was activity: the idle limit starts again, give or take the minute the server may wait
  // before writing it (SESSION_RENEW_EVERY); the exact time left is asked before warning.
  const duree = Number(corps.dataset.sessionDuree);
  if (personne && adresseSession && duree > 0) planifier(duree - 60);
})();
