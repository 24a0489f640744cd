/* Progressive enhancement of the search page: completions while typing.
 * The page works without it; suggestions come from /api/suggest into a
 * <datalist>, built with textContent/value only. */
(function () {
  "use strict";
  var input = document.querySelector("form.search input[name=q]");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "baoku-suggest";
  document.body.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var words = input.value.split(/\s+/);
      var last = words.pop();
      if (!last) { return; }
      fetch("/api/suggest?q=" + encodeURIComponent(last))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.suggestions.forEach(function (word) {
            var option = document.createElement("option");
            option.value = words.concat([word]).join(" ");
            list.appendChild(option);
          });
        })
        .catch(function () { list.textContent = ""; });
    }, 150);
  });
}());
