/* Follow, mute and save buttons without a page load. The forms work on their own (POST, then
   back to the page); this sends the same form in the background and flips the button. */
(function () {
  "use strict";

  function flip(form, on) {
    var action = form.querySelector('input[name="action"]');
    var button = form.querySelector("button");
    action.value = on ? action.dataset.off : action.dataset.on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.dataset.onLabel : button.dataset.offLabel;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-toggle") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var turningOn = form.querySelector('input[name="action"]').value === form.querySelector('input[name="action"]').dataset.on;
    var button = form.querySelector("button");
    button.disabled = true;
    window
      /* getAttribute: the form's "action" input shadows the form.action property. */
      .fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        flip(form, turningOn);
      })
      .catch(function () {
        form.submit(); /* fall back to the plain form */
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
