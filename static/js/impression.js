// A print's progress page (templates/aides/impression_detail.html): polls the job's figures
// (JSON: counts and state, no name) every second and updates the bar; once the file is ready,
// shows its download link in place of the cancel button. A cancelled or failed job reloads the
// page, which says why. Without script, a <noscript> meta refresh reloads the page instead.
(() => {
  const suivi = document.getElementById("suivi-impression");
  if (!suivi) {
    return;
  }
  const fait = document.getElementById("fait");
  const barre = document.getElementById("avancement");
  const etat = document.getElementById("etat");
  const OUVERTS = new Set(["en_attente", "en_cours"]);
  let attente = 1000;

  const afficher = (donnees) => {
    fait.textContent = `${donnees.fait} / ${donnees.total}`;
    barre.max = Math.max(donnees.total, 1);
    barre.value = donnees.fait;
    barre.textContent = fait.textContent;
    if (etat) {
      etat.textContent = donnees.libelle;
    }
  };

  const interroger = async () => {
    let donnees;
    try {
      const reponse = await fetch(suivi.dataset.avancement, {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store",
      });
      if (!reponse.ok) {
        throw new Error(`HTTP ${reponse.status}`);
      }
      donnees = await reponse.json();
    } catch {
      // Network or server trouble: try again, less often.
      attente = Math.min(attente * 2, 10000);
      window.setTimeout(interroger, attente);
      return;
    }
    attente = 1000;
    afficher(donnees);
    if (OUVERTS.has(donnees.etat)) {
      window.setTimeout(interroger, attente);
    } else if (donnees.url) {
      const lien = document.getElementById("impression-lien");
      lien.href = donnees.url;
      document.getElementById("impression-en-cours").hidden = true;
      document.getElementById("impression-prete").hidden = false;
      lien.focus();
    } else {
      window.location.reload();
    }
  };

  window.setTimeout(interroger, attente);
})();
