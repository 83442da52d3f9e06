// « Mon agenda sur mon téléphone »: the « Copier » button copies the feed's address.
document.addEventListener("click", async (event) => {
  const bouton = event.target.closest("[data-copier]");
  if (!bouton) {
    return;
  }
  const champ = document.getElementById(bouton.dataset.copier);
  champ.select();
  try {
    await navigator.clipboard.writeText(champ.value);
    document.querySelector("[data-copie-faite]")?.removeAttribute("hidden");
  } catch {
    // No clipboard access (plain HTTP, an old browser): the address stays selected to copy by hand.
  }
});
