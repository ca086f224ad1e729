/* The questionnaire's autosave (templates/monitoring/company/step.html), on top of htmx.

   Every answer is a <fieldset data-answer> that htmx posts to monitoring:answer_save when
   it changes; the server sends back the answer's status area only, so nothing being typed
   is ever replaced. This script:
   - marks an answer "not saved yet" as soon as it is typed in, and warns before leaving
     the page while an answer or a chosen document is not saved (beforeunload);
   - skips a save when the answer is what was last saved (a radio fires both input and
     change; a textarea fires change on leaving it after the pause already saved it);
   - lets htmx swap the answer fragments the server sends with an error status (409
     conflict, 422 invalid value, 403 refused), which htmx leaves alone by default;
   - says what went wrong when no fragment comes back (401 session ended, a server error,
     no connection), and keeps what was typed.
   Loaded with <script src>, never inline, so that a Content-Security-Policy without
   'unsafe-inline' can be switched on. */
(function () {
  "use strict";

  var root = document.querySelector("[data-questionnaire]");
  if (!root) {
    return;
  }
  var FRAGMENT_HEADER = "X-Convenant-Fragment";
  var submitting = false;

  function answerOf(element) {
    return element && element.closest ? element.closest("[data-answer]") : null;
  }

  /* What the person has entered in an answer: the values that are saved, without the
     hidden revision (which changes with every save). */
  function contentOf(fieldset) {
    var parts = [];
    fieldset.querySelectorAll("input, textarea, select").forEach(function (input) {
      if (!input.name || input.type === "hidden" || input.type === "file") {
        return;
      }
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) {
        return;
      }
      parts.push(input.name + "=" + input.value);
    });
    return parts.join("\n");
  }

  function pendingOf(fieldset) {
    var pending = fieldset.querySelector("[data-pending]");
    if (!pending) {
      pending = document.createElement("p");
      pending.setAttribute("data-pending", "");
      pending.className = "answer-pending";
      pending.setAttribute("role", "status");
      pending.hidden = true;
      var state = fieldset.querySelector(".answer-state");
      fieldset.insertBefore(pending, state);
    }
    return pending;
  }

  function say(fieldset, message) {
    var pending = pendingOf(fieldset);
    pending.textContent = message || "";
    pending.hidden = !message;
  }

  function edits(fieldset) {
    return Number(fieldset.dataset.edits || "0");
  }

  function markEdited(fieldset) {
    fieldset.dataset.edits = String(edits(fieldset) + 1);
    say(fieldset, root.dataset.messageUnsaved);
  }

  function markSaved(fieldset, content) {
    fieldset.dataset.edits = "0";
    fieldset.dataset.saved = content;
    say(fieldset, "");
  }

  function start(container) {
    var scope = container && container.querySelectorAll ? container : document;
    var fieldsets = Array.prototype.slice.call(scope.querySelectorAll("[data-answer]"));
    if (scope.matches && scope.matches("[data-answer]")) {
      fieldsets.push(scope);
    }
    fieldsets.forEach(function (fieldset) {
      if (fieldset.dataset.started) {
        return;
      }
      fieldset.dataset.started = "1";
      fieldset.dataset.saved = contentOf(fieldset);
      fieldset.dataset.edits = "0";
      if (fieldset.hasAttribute("data-unsaved")) {
        // The server could not save what is shown (a failed save without JavaScript).
        fieldset.dataset.saved = "";
        markEdited(fieldset);
      }
    });
  }

  function onEdit(event) {
    var fieldset = answerOf(event.target);
    if (fieldset && event.target.type !== "submit" && event.target.type !== "button") {
      if (contentOf(fieldset) !== fieldset.dataset.saved) {
        markEdited(fieldset);
      }
    }
  }

  function isOverwrite(element) {
    return Boolean(
      element && element.getAttribute && element.getAttribute("hx-vals")
    );
  }

  /* The CSRF token from its cookie at the moment of sending: after signing in again
     (in another tab) the token changes, and the page's copy would be refused. */
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  root.addEventListener("input", onEdit);
  root.addEventListener("change", onEdit);

  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && root.contains(event.detail.elt)) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    var fieldset = answerOf(element);
    if (!fieldset || (event.detail.requestConfig || {}).verb === "get") {
      return;
    }
    var content = contentOf(fieldset);
    if (!isOverwrite(element)) {
      if (content === fieldset.dataset.saved) {
        event.preventDefault(); // nothing new to save
        markSaved(fieldset, content);
        return;
      }
      if (content === fieldset.dataset.refused) {
        // The same content was just refused (a conflict, an invalid value, a locked
        // answer): sending it again would only say so again.
        event.preventDefault();
        return;
      }
    }
    fieldset.dataset.sending = content;
    say(fieldset, root.dataset.messageSaving);
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader(FRAGMENT_HEADER)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var fieldset = answerOf(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!fieldset || !xhr || (event.detail.requestConfig || {}).verb === "get") {
      return;
    }
    fieldset.dataset.refused = "";
    if (xhr.status >= 200 && xhr.status < 300) {
      // Judged by content, not by counting edits: choosing an option fires both
      // "input" and "change", which counts as two edits for one save.
      var sent = fieldset.dataset.sending || "";
      if (!sent || contentOf(fieldset) === sent) {
        markSaved(fieldset, sent || contentOf(fieldset));
      } else {
        // Typed on while saving: the next save (already queued) takes it along.
        say(fieldset, root.dataset.messageUnsaved);
      }
      return;
    }
    if (xhr.getResponseHeader(FRAGMENT_HEADER)) {
      fieldset.dataset.refused = fieldset.dataset.sending || "";
      say(fieldset, ""); // the fragment says what went wrong; still unsaved
    } else if (xhr.status === 401) {
      say(fieldset, root.dataset.messageSession);
    } else if (xhr.status === 0) {
      say(fieldset, root.dataset.messageOffline);
    } else {
      say(fieldset, root.dataset.messageRefused);
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var fieldset = answerOf(event.detail.elt);
    if (fieldset) {
      say(fieldset, root.dataset.messageOffline);
    }
  });

  document.body.addEventListener("htmx:load", function (event) {
    start(event.detail.elt);
  });

  root.addEventListener("submit", function () {
    submitting = true; // the Save button posts everything on the page
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) {
      return;
    }
    var unsaved = Array.prototype.some.call(
      root.querySelectorAll("[data-answer]"),
      function (fieldset) {
        return edits(fieldset) > 0;
      }
    );
    var fileChosen = Array.prototype.some.call(
      root.querySelectorAll("input[type=file]"),
      function (input) {
        return input.files && input.files.length > 0;
      }
    );
    if (unsaved || fileChosen) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to show their warning
    }
  });

  start(document);
})();
