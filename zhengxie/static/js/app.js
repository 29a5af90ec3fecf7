// Open the navigation on wide screens; on phones it stays a tap-to-open menu.
(function () {
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia("(min-width: 900px)").matches) menu.open = true;
})();

// A form that is posted once stays posted: a second click (or a double click) while the first request
// is under way is ignored, and the buttons are disabled so the person sees it is being sent. The
// buttons are disabled on the next tick, after the browser has taken the clicked button's name and
// value into the request (the reply form's name="submit" value="0"/"1" buttons rely on it).
(function () {
  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.hasAttribute("target") || form.matches("[hx-post], [hx-put], [hx-patch], [hx-delete]")) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      buttons(form).forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // Coming back with the browser's back button shows the page as it was left: make it usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      buttons(form).forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();

// The assignment form: show the unit fields of the chosen way of assigning (主办+协办, or 分办).
(function () {
  var modes = document.querySelectorAll('input[type="radio"][name="mode"]');
  if (!modes.length) return;
  var form = modes[0].form;
  function field(name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input && input.closest(".field");
  }
  var groups = { lead: [field("lead"), field("co")], separate: [field("separate")] };
  function show() {
    var chosen = form.querySelector('input[name="mode"]:checked');
    Object.keys(groups).forEach(function (mode) {
      groups[mode].forEach(function (box) {
        if (box) box.hidden = !chosen || chosen.value !== mode;
      });
    });
  }
  modes.forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();

// On a phone the filter tabs scroll sideways: bring the chosen one into view.
(function () {
  document.querySelectorAll(".tabs").forEach(function (tabs) {
    var current = tabs.querySelector('[aria-current="page"]');
    if (current && tabs.scrollWidth > tabs.clientWidth) {
      tabs.scrollLeft = current.offsetLeft - tabs.offsetLeft - 16;
    }
  });
})();
