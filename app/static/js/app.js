// Progressive enhancement only: every page works without this file.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
