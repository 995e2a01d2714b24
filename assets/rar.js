/* The language toggle keeps your place (issue 17, point 2).
 *
 * The toggle (#lang-toggle, data-base = the other language's address of this page) opens the
 * same page in the other language with this page's query (?id=…&client=…) and hash, and carries
 * the values typed into the page's fields but not yet saved: they are kept in this tab's
 * sessionStorage for one minute, for that address only, and typed back once the page has
 * hydrated (so the page's own state, which arrives first, does not overwrite them).
 * Passwords, hidden and file inputs are never carried.
 */
(function () {
  if (window.__rarLangCarry) return;
  window.__rarLangCarry = true;
  var KEY = "rar-lang-carry";
  var MAX_AGE_MS = 60000;
  var SKIP = { hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function target(a) {
    var base = a.getAttribute("data-base") || (a.getAttribute("href") || "").split(/[?#]/)[0];
    return base + location.search + location.hash;
  }

  function sync() {
    var a = document.getElementById("lang-toggle");
    if (!a) return;
    var want = target(a);
    if (a.getAttribute("href") !== want) a.setAttribute("href", want);
  }

  // What was last typed in each field: a controlled field shows the page state's value until
  // the server answers, so a toggle clicked right after typing would read the older value.
  var typed = new WeakMap();
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (el && "value" in el && e.isTrusted !== false) typed.set(el, { value: el.value, at: Date.now() });
  }, true);

  function fields() {
    var out = [];
    var main = document.getElementById("main");
    if (!main) return out;
    main.querySelectorAll("input, select, textarea").forEach(function (el) {
      var type = (el.getAttribute("type") || el.tagName).toLowerCase();
      if (SKIP[type] || el.disabled || (!el.id && !el.name)) return;
      if (type === "radio" || type === "checkbox") {
        out.push({ id: el.id, name: el.name, value: el.value, checked: el.checked, kind: type });
      } else {
        var last = typed.get(el);  // typed in the last seconds: the state may not have echoed it yet
        var value = last && Date.now() - last.at < 3000 ? last.value : el.value;
        out.push({ id: el.id, name: el.name, value: value, kind: "value" });
      }
    });
    return out;
  }

  function samePlace(path) {
    var here = location.pathname.replace(/\/$/, "") + location.search;
    return here === path.split("#")[0].replace(/\/(\?|$)/, "$1");
  }

  function find(f) {
    if (f.kind === "radio" && f.name) {
      var radios = document.getElementsByName(f.name);
      for (var i = 0; i < radios.length; i++) if (radios[i].value === f.value) return radios[i];
      return null;
    }
    return (f.id && document.getElementById(f.id)) || (f.name && document.getElementsByName(f.name)[0]) || null;
  }

  function setValue(el, value) {
    var proto = el.tagName === "SELECT" ? HTMLSelectElement.prototype
      : el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
    el.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
  }

  function apply(saved) {
    var pending = 0;
    saved.fields.forEach(function (f) {
      var el = find(f);
      if (!el) { pending++; return; }
      if (f.kind === "radio" || f.kind === "checkbox") {
        if (el.checked !== f.checked) el.click();
      } else if (el.value !== f.value) {
        setValue(el, f.value);
      }
    });
    return pending;
  }

  function restore() {
    var raw = sessionStorage.getItem(KEY);
    if (!raw) return;
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { sessionStorage.removeItem(KEY); return; }
    if (!saved || Date.now() - saved.at > MAX_AGE_MS || !samePlace(saved.path)) {
      sessionStorage.removeItem(KEY);
      return;
    }
    var tries = 0;
    var timer = setInterval(function () {
      tries++;
      var main = document.getElementById("main");
      var ready = main && main.getAttribute("data-hydrated") === "true";
      if (!ready && tries < 100) return;
      // The page's own values arrive with its state: wait a moment more, then type ours back,
      // twice (a late state update could still reset a field).
      if (tries < 5) return;
      var pending = apply(saved);
      if ((pending === 0 && tries >= 10) || tries >= 100) {
        clearInterval(timer);
        sessionStorage.removeItem(KEY);
      }
    }, 100);
  }

  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("#lang-toggle") : null;
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    var href = target(a);
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: href.split("#")[0], at: Date.now(), fields: fields() }));
    } catch (err) { /* storage full or off: the page and its query are still kept */ }
    window.location.assign(href);
  }, true);

  /* Fee choices are kept on a reload (issue 17): leaving the fee page unsaved (reload, closed
   * tab) keeps its choices the same way the language toggle does, for that address only. */
  window.addEventListener("pagehide", function () {
    if (!document.querySelector("#main .fee-layout")) return;
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname + location.search, at: Date.now(), fields: fields() }));
    } catch (err) { /* ignore */ }
  });

  /* Tables on a phone (issue 17, point 3): each cell gets its column's header as data-label,
   * which the stylesheet shows before the value when the table is stacked (under 640 px). */
  function labelTables() {
    document.querySelectorAll("#main table").forEach(function (table) {
      var heads = table.querySelectorAll("thead tr:last-child th, thead tr:last-child td");
      if (!heads.length) return;
      var names = [];
      heads.forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10) || 1;
        var text = (th.innerText || th.textContent || "").replace(/\s+/g, " ").trim();
        for (var i = 0; i < span; i++) names.push(text);
      });
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var name = names[col] || "";
          var label = name && name !== (cell.innerText || "").trim() ? name : "";
          if (label && row.parentNode.tagName === "TFOOT" && cell.tagName === "TH") label = "";
          if ((cell.getAttribute("data-label") || "") !== label) {
            if (label) cell.setAttribute("data-label", label); else cell.removeAttribute("data-label");
          }
          col += parseInt(cell.getAttribute("colspan") || "1", 10) || 1;
        });
      });
    });
  }
  var labelTimer = null;
  new MutationObserver(function () {
    if (labelTimer) return;
    labelTimer = setTimeout(function () { labelTimer = null; labelTables(); }, 50);
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  /* Error summary links move keyboard focus to their field (GOV.UK error-summary pattern,
   * issue 17 point 4): a link to #field only scrolls; this focuses the field and shows its
   * label or legend above it. */
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest(".error-summary a[href*='#']") : null;
    if (!a) return;
    var href = a.getAttribute("href");
    var hash = href.slice(href.indexOf("#") + 1);
    var path = href.split("#")[0];
    if (path && path.split("?")[0].replace(/\/$/, "") !== location.pathname.replace(/\/$/, "")) return;
    var field = document.getElementById(decodeURIComponent(hash));
    if (!field) return;
    e.preventDefault();
    // The address still names the field, as the link's own navigation would have done.
    try { history.replaceState(history.state, "", "#" + hash); } catch (err) { /* ignore */ }
    var holder = field.closest("fieldset") || field.closest(".field");
    var label = (holder && (holder.querySelector("legend") || holder.querySelector("label"))) || field;
    label.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }, true);

  /* After a pen edit the review comes back to the edited line, not the top (issue 17): the
   * pen followed is remembered for this tab (ten minutes at most) and, when the review shows
   * that pen again, it is scrolled to and focused. */
  var PEN_KEY = "rar.reviewPen";
  document.addEventListener("click", function (e) {
    var pen = e.target && e.target.closest ? e.target.closest("a.pencil-link[id]") : null;
    if (!pen) return;
    try { sessionStorage.setItem(PEN_KEY, JSON.stringify({ id: pen.id, at: Date.now() })); } catch (err) { /* ignore */ }
  }, true);
  function backToPen() {
    var saved;
    try { saved = JSON.parse(sessionStorage.getItem(PEN_KEY) || "null"); } catch (err) { saved = null; }
    if (!saved) return;
    if (Date.now() - saved.at > 600000) { sessionStorage.removeItem(PEN_KEY); return; }
    var pen = document.getElementById(saved.id);
    if (!pen || !pen.classList.contains("pencil-link")) {
      // Left the review (the question page): the next time the pen shows, it is the way back.
      if (!saved.left) { saved.left = true; try { sessionStorage.setItem(PEN_KEY, JSON.stringify(saved)); } catch (err) { /* ignore */ } }
      return;
    }
    if (!saved.left) return;  // still the review the pen was followed from
    sessionStorage.removeItem(PEN_KEY);
    (pen.closest("tr") || pen).scrollIntoView({ block: "center" });
    pen.focus({ preventScroll: true });
  }
  setInterval(backToPen, 200);

  /* Values typed but not yet saved survive a lost server state (issue 15): when Redis or a
   * worker loses this tab's state, Reflex reloads the page's state (the hydrate and on_load
   * run again on the same address, without a navigation) and the fields show the saved
   * answers. What was typed on this visit of the address is typed back once the page is
   * hydrated again, so the server's state gets it as if it had been typed then. A navigation
   * (another address) forgets it; passwords and files are never kept. */
  var visit = { path: location.pathname + location.search, typed: {}, lost: false };
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!el || !("value" in el) || e.isTrusted === false || !el.id) return;
    var type = (el.getAttribute("type") || el.tagName).toLowerCase();
    if (SKIP[type] || type === "radio" || type === "checkbox") return;
    if (!el.closest || !el.closest("#main")) return;
    var here = location.pathname + location.search;
    if (here !== visit.path) visit = { path: here, typed: {}, lost: false };
    visit.typed[el.id] = el.value;
  }, true);
  function typeBack() {
    var count = 0;
    Object.keys(visit.typed).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && el.value !== visit.typed[id]) { setValue(el, visit.typed[id]); count++; }
    });
    document.documentElement.setAttribute("data-typed-back", String(count));
  }
  /* <html data-ready-for> names the address whose page state and on_load answers have arrived.
   * After a client-side navigation the new page first renders with the previous page's
   * data-hydrated="true" until Reflex marks it false, so that attribute alone can't say it;
   * a false → true change can. Automation (the browser tests, trainers' scripts) waits on it. */
  function markReady() {
    document.documentElement.setAttribute("data-ready-for", location.pathname + location.search);
  }
  var firstMain = document.getElementById("main");
  if (firstMain && firstMain.getAttribute("data-hydrated") === "true") markReady();
  // Every change of #main's data-hydrated is seen (a poll could miss a quick false → true).
  new MutationObserver(function (records) {
    var here = location.pathname + location.search;
    records.forEach(function (r) {
      if (r.oldValue !== "true" && r.target.getAttribute("data-hydrated") === "true") markReady();
    });
    if (here !== visit.path) {  // a navigation: a new visit
      visit = { path: here, typed: {}, lost: false };
      return;
    }
    records.forEach(function (r) { if (r.oldValue === "true") visit.lost = true; });
    var main = document.getElementById("main");
    if (visit.lost && main && main.getAttribute("data-hydrated") === "true") {
      visit.lost = false;
      // The step's saved answers arrived with the reload: type ours back after them, twice.
      setTimeout(typeBack, 300);
      setTimeout(typeBack, 1500);
    }
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-hydrated"],
                                         attributeOldValue: true, subtree: true });

  setInterval(sync, 300);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();

/* No form of the portal is ever sent by the browser itself: each one is the page's own
 * (its handler reads it and talks to the server over the websocket). Before the page has
 * hydrated (a slow link), pressing a button would otherwise send the form the old way, as a
 * GET to this address: the username and password in the address bar, history and logs.
 * Capture phase, so it runs first; the page's own handler still receives the event. */
(function () {
  if (window.__rarNoNativeSubmit) return;
  window.__rarNoNativeSubmit = true;
  document.addEventListener("submit", function (e) {
    if (!e.target.getAttribute("action")) e.preventDefault();
  }, true);
})();
