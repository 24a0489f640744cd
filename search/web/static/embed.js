/* baoku embeddable search box.
 *
 *   <div id="news-search"></div>
 *   <script src="http://HOST/embed.js" data-target="#news-search" data-size="5"
 *           data-theme="light"></script>
 *
 * Renders a search box and results inside a shadow root (no CSS leaks in or
 * out), calling the baoku API cross-origin. Archive text is set with
 * textContent; only the API's snippets, which are escaped HTML whose sole
 * markup is <mark>, are parsed as HTML. When a query finds little or nothing,
 * the API's hints are shown: why nothing was found, and 你是不是要找 buttons
 * that search the suggested query in the box (never a silent rewrite).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(".", script.src).href;
  var target = document.querySelector(script.getAttribute("data-target") || "#news-search");
  if (!target) { return; }
  var size = Math.min(Math.max(parseInt(script.getAttribute("data-size"), 10) || 5, 1), 20);
  var dark = script.getAttribute("data-theme") === "dark";

  var root = target.attachShadow ? target.attachShadow({ mode: "open" }) : target;
  var style = document.createElement("style");
  style.textContent = [
    ":host{all:initial;display:block;font:15px/1.6 sans-serif;color:" + (dark ? "#eee" : "#222") + "}",
    ".box{padding:.6em;border:1px solid #ccc;border-radius:6px;background:" + (dark ? "#222" : "#fff") + "}",
    "form{display:flex;gap:.4em}input{flex:1;font:inherit;padding:.3em}",
    "button{font:inherit;padding:.3em .8em}",
    "ol{padding-left:1.4em;margin:.6em 0 0}li{margin:.4em 0}",
    "a{color:" + (dark ? "#9cf" : "#8b0000") + ";font-weight:bold}",
    ".meta{color:#888;font-size:.85em}mark{background:#ffe066;color:inherit}",
    ".status{color:#888;font-size:.9em;margin:.4em 0 0}",
    ".hints{font-size:.9em;margin:.3em 0 0}.hints:empty{display:none}",
    ".hints button{font:inherit;padding:0 .3em;margin:0 .3em;cursor:pointer;border:0;" +
      "background:none;text-decoration:underline;color:" + (dark ? "#9cf" : "#8b0000") + "}"
  ].join("");
  var box = document.createElement("div");
  box.className = "box";
  var form = document.createElement("form");
  form.setAttribute("role", "search");
  var input = document.createElement("input");
  input.type = "search";
  input.placeholder = "搜索报纸档案";
  input.setAttribute("aria-label", "搜索报纸档案");
  var button = document.createElement("button");
  button.type = "submit";
  button.textContent = "搜索";
  var status = document.createElement("p");
  status.className = "status";
  status.setAttribute("aria-live", "polite");
  var hints = document.createElement("div");
  hints.className = "hints";
  var list = document.createElement("ol");
  list.className = "results";
  form.appendChild(input);
  form.appendChild(button);
  box.appendChild(form);
  box.appendChild(status);
  box.appendChild(hints);
  box.appendChild(list);
  root.appendChild(style);
  root.appendChild(box);

  function showHints(data) {
    hints.textContent = "";
    (data.not_found || []).forEach(function (reason) {
      var line = document.createElement("p");
      line.className = "not-found";
      line.textContent = reason;
      hints.appendChild(line);
    });
    var offered = data.suggestions || [];
    if (!offered.length) { return; }
    var line = document.createElement("p");
    line.className = "did-you-mean";
    line.appendChild(document.createTextNode("你是不是要找："));
    offered.forEach(function (suggestion) {
      var choice = document.createElement("button");
      choice.type = "button";
      choice.textContent = suggestion.query;
      choice.title = suggestion.articles + " 篇";
      choice.addEventListener("click", function () {
        input.value = suggestion.query;
        search(suggestion.query);
      });
      line.appendChild(choice);
      line.appendChild(document.createTextNode("（" + suggestion.articles + " 篇）"));
    });
    hints.appendChild(line);
  }

  function render(data, query) {
    list.textContent = "";
    status.textContent = "共 " + data.total + " 篇";
    showHints(data);
    data.hits.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + "a/" + encodeURIComponent(hit.article_id) + "?q=" + encodeURIComponent(query);
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = hit.title || "（无标题）";
      var meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = [hit.date || "", hit.section || "", hit.matches + " 段命中"]
        .filter(Boolean).join(" · ");
      var snippet = document.createElement("div");
      snippet.className = "snippet";
      snippet.innerHTML = hit.snippet; // escaped by the server; <mark> is its only markup
      item.appendChild(link);
      item.appendChild(meta);
      item.appendChild(snippet);
      list.appendChild(item);
    });
  }

  function search(query) {
    status.textContent = "搜索中…";
    hints.textContent = "";
    fetch(base + "api/search?size=" + size + "&q=" + encodeURIComponent(query))
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) {
          list.textContent = "";
          status.textContent = result.data.error ? result.data.error.message : "搜索失败";
          return;
        }
        render(result.data, query);
      })
      .catch(function () { status.textContent = "无法连接报库"; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    if (query) { search(query); }
  });
}());
