// Ideas: similar-idea suggestions while the title is typed, and one submission per click.
(function () {
  "use strict";
  var box = document.getElementById("similar-box");
  if (box) {
    var url = box.getAttribute("data-similar-url");
    var input = box.querySelector("input[name=title]");
    var panel = document.getElementById("similar-ideas");
    var list = panel.querySelector("ul");
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last) { return; }
        last = q;
        if (q.length < 2) { panel.hidden = true; return; }
        fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var a = document.createElement("a");
              a.href = item.url;
              a.textContent = item.title + "（" + item.kind + "）";
              a.target = "_blank";
              li.appendChild(a);
              list.appendChild(li);
            });
            panel.hidden = data.results.length === 0;
          })
          .catch(function () { panel.hidden = true; });
      }, 300);
    });
  }
  // A double click sends the form once; the server's submission token is the real guard.
  document.querySelectorAll("form").forEach(function (form) {
    var button = form.querySelector("button[data-once]");
    if (!button) { return; }
    form.addEventListener("submit", function () {
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  // Long uploads and checks (CSV import): show that something is happening.
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var panel = form.querySelector("[data-progress-panel]");
    if (!panel) { return; }
    form.addEventListener("submit", function () { panel.hidden = false; });
  });
})();
