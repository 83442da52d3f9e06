// The programme's objectives (templates/aides/programme_form.html), as progressive enhancement:
// without this file, each objective's skill is chosen in its list and new rows come by saving.
// - a search field above each skill list asks /competences/recherche/ and offers what matches;
//   choosing a skill selects it, sets its socle domain and, if empty, the objective's wording;
// - « Ajouter un objectif » adds a blank row from the formset's empty form (<template>).
(() => {
  const bloc = document.querySelector("[data-objectifs]");
  if (!bloc) {
    return;
  }
  const adresse = bloc.dataset.recherche;
  const cycle = bloc.dataset.cycle;
  const lignes = bloc.querySelector("[data-lignes]");
  const modele = bloc.querySelector("template[data-modele]");
  const total = bloc.querySelector('input[name$="-TOTAL_FORMS"]');
  const bouton = bloc.querySelector("[data-ajouter]");

  const champ = (ligne, nom) => ligne.querySelector(`[name$="-${nom}"]`);

  function choisir(ligne, competence) {
    const liste = champ(ligne, "competence");
    let option = Array.from(liste.options).find((o) => o.value === String(competence.id));
    if (!option) {
      option = new Option(competence.intitule, competence.id);
      liste.add(option);
    }
    liste.value = option.value;
    const domaine = champ(ligne, "domaine");
    const visee = champ(ligne, "visee");
    if (domaine && !(visee && visee.value)) {
      domaine.value = competence.domaine;
    }
    const intitule = champ(ligne, "intitule");
    const longueur = Number(intitule.getAttribute("maxlength")) || 300;
    if (!intitule.value.trim() && competence.intitule.length <= longueur) {
      intitule.value = competence.intitule;
    }
  }

  function equiper(ligne) {
    const liste = champ(ligne, "competence");
    if (!liste || ligne.querySelector(".recherche-competence")) {
      return;
    }
    const id = `${liste.id}-recherche`;
    const zone = document.createElement("div");
    zone.className = "recherche-competence mb-2";
    const etiquette = document.createElement("label");
    etiquette.className = "form-label";
    etiquette.htmlFor = id;
    etiquette.textContent = "Chercher une compétence (quelques mots)";
    const saisie = document.createElement("input");
    saisie.type = "search";
    saisie.id = id;
    saisie.className = "form-control";
    saisie.autocomplete = "off";
    const etat = document.createElement("p");
    etat.className = "form-text";
    etat.setAttribute("aria-live", "polite");
    const suggestions = document.createElement("div");
    suggestions.className = "list-group suggestions-competence";
    suggestions.setAttribute("role", "group");
    suggestions.setAttribute("aria-label", "Compétences trouvées");
    zone.append(etiquette, saisie, etat, suggestions);
    const conteneur = liste.closest(".mb-3") || liste;
    conteneur.before(zone);

    let attente = null;
    let controle = null;
    saisie.addEventListener("input", () => {
      clearTimeout(attente);
      attente = setTimeout(async () => {
        const texte = saisie.value.trim();
        controle?.abort();
        suggestions.replaceChildren();
        if (texte.length < 2) {
          etat.textContent = "";
          return;
        }
        controle = new AbortController();
        const url = `${adresse}?${new URLSearchParams({ q: texte, cycle })}`;
        let reponse;
        try {
          reponse = await fetch(url, { headers: { Accept: "application/json" }, signal: controle.signal });
        } catch (erreur) {
          if (erreur.name !== "AbortError") {
            etat.textContent = "La recherche n'a pas abouti : choisissez dans la liste ci-dessous.";
          }
          return;
        }
        if (!reponse.ok) {
          etat.textContent = "La recherche n'a pas abouti : choisissez dans la liste ci-dessous.";
          return;
        }
        const { resultats } = await reponse.json();
        etat.textContent = resultats.length
          ? `${resultats.length} compétence${resultats.length > 1 ? "s" : ""} trouvée${resultats.length > 1 ? "s" : ""}.`
          : "Aucune compétence trouvée : essayez d'autres mots.";
        for (const competence of resultats) {
          const choix = document.createElement("button");
          choix.type = "button";
          choix.className = "list-group-item list-group-item-action";
          const origine = document.createElement("span");
          origine.className = "d-block small text-muted";
          origine.textContent = competence.origine;
          choix.append(competence.intitule, origine);
          choix.addEventListener("click", () => {
            choisir(ligne, competence);
            suggestions.replaceChildren();
            saisie.value = "";
            etat.textContent = `Compétence choisie : ${competence.intitule}`;
            liste.focus();
          });
          suggestions.append(choix);
        }
      }, 250);
    });
  }

  lignes.querySelectorAll("[data-ligne]").forEach(equiper);

  if (modele && total && bouton) {
    bloc.querySelectorAll("[data-sans-js]").forEach((element) => {
      element.hidden = true;
    });
    bouton.hidden = false;
    bouton.addEventListener("click", () => {
      const rang = Number(total.value);
      const gabarit = document.createElement("template");
      gabarit.innerHTML = modele.innerHTML.replaceAll("__prefix__", String(rang));
      const ligne = gabarit.content.querySelector("[data-ligne]");
      lignes.append(ligne);
      total.value = String(rang + 1);
      equiper(ligne);
      ligne.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    });
  }
})();
