// Small behaviours without inline scripts (the CSP allows only 'self').
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-imprimer]")) {
    window.print();
  }
});

// A form sent back with errors: the focus goes to their summary, whose links lead to each field.
document.getElementById("erreurs")?.focus();
