// Open the navigation on wide screens; on phones it stays a tap-to-open menu.
(function () {
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia("(min-width: 900px)").matches) menu.open = true;
})();
