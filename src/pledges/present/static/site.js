// pledges site: filters and search over the pledge table. The table works without this
// script; no data is read from anywhere but the page's own rows.
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("filters");
    var table = document.getElementById("pledges");
    if (!form || !table || !table.tBodies.length) {
      return;
    }
    var names = ["q", "status", "jurisdiction", "tag", "source", "year", "binding"];
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    // What the search looks at, as `pledges list --search` does: title, quote, id, metric.
    var texts = rows.map(function (row) {
      var cell = row.cells[0];
      var parts = [row.getAttribute("data-metric") || ""];
      ["a", ".quote", ".pid"].forEach(function (selector) {
        var found = cell.querySelector(selector);
        if (found) {
          parts.push(found.textContent);
        }
      });
      return parts.join("\n").toLowerCase();
    });
    var shown = document.getElementById("shown");

    function value(name) {
      var field = form.elements.namedItem(name);
      return field ? String(field.value) : "";
    }

    function within(jurisdiction, ancestor) {
      return jurisdiction === ancestor || jurisdiction.indexOf(ancestor + "/") === 0;
    }

    function apply() {
      var q = value("q").trim().toLowerCase();
      var status = value("status");
      var jurisdiction = value("jurisdiction");
      var tag = value("tag");
      var source = value("source");
      var year = value("year");
      var binding = value("binding");
      var count = 0;
      rows.forEach(function (row, i) {
        var d = row.dataset;
        var ok =
          (!status || d.status === status) &&
          (!jurisdiction || within(d.jurisdiction || "", jurisdiction)) &&
          (!tag || (" " + (d.tags || "") + " ").indexOf(" " + tag + " ") >= 0) &&
          (!source || d.source === source) &&
          (!year || d.year === year) &&
          (!binding || d.binding === binding) &&
          (!q || texts[i].indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) {
          count += 1;
        }
      });
      if (shown) {
        shown.textContent = count + " of " + rows.length + " pledges shown";
      }
      var params = new URLSearchParams();
      names.forEach(function (name) {
        if (value(name)) {
          params.set(name, value(name));
        }
      });
      var query = params.toString();
      try {
        history.replaceState(null, "", query ? "?" + query : location.pathname);
      } catch (error) {
        // some browsers refuse to change the address of a page opened from disk
      }
    }

    var initial = new URLSearchParams(location.search);
    names.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && initial.get(name) !== null) {
        field.value = initial.get(name);
      }
    });
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () {
      window.setTimeout(apply, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
