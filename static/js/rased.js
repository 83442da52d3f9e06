// Small behaviours without inline scripts (the CSP allows only 'self').
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-imprimer]")) {
    window.print();
  }
});
