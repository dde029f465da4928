/* Behaviour of the web application, written as delegated listeners so that it keeps working
 * on content that htmx swaps in. Without JavaScript every form still posts normally. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ stage editor rows
  function stageForm() { return document.getElementById("stage-form"); }

  function totalFormsInput(form) {
    return form.querySelector('input[name$="-TOTAL_FORMS"]');
  }

  function markDirty() {
    const note = document.getElementById("dirty-note");
    if (note) note.hidden = false;
    const saved = document.getElementById("saved-note");  // "saved" no longer holds
    if (saved) saved.hidden = true;
    const form = stageForm();
    if (form) form.dataset.dirty = "1";
  }

  /** Append a blank row (the formset's empty form) and return its <tbody>. */
  function addRow() {
    const form = stageForm();
    const template = document.getElementById("empty-activity-row");
    if (!form || !template) return null;
    const total = totalFormsInput(form);
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const end = document.getElementById("activity-rows-end");
    end.insertAdjacentHTML("beforebegin", html);
    total.value = String(index + 1);
    const row = end.previousElementSibling;
    const empty = document.getElementById("no-rows");
    if (empty) empty.hidden = true;
    markDirty();
    return row;
  }

  /** Copy the values of one row into a new row at the end of the table. */
  function copyRow(source) {
    const sourcePrefix = source.dataset.prefix;
    const row = addRow();
    if (!row) return;
    const prefix = row.dataset.prefix;
    source.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || !field.name.startsWith(sourcePrefix + "-")) return;
      const name = field.name.slice(sourcePrefix.length + 1);
      if (name === "id" || name === "DELETE") return;
      const target = row.querySelector('[name="' + prefix + "-" + name + '"]');
      if (target) target.value = field.value;
    });
    const sourceButton = source.querySelector("[data-pick-factor]");
    const targetButton = row.querySelector("[data-pick-factor]");
    if (sourceButton && targetButton) targetButton.innerHTML = sourceButton.innerHTML;
    const name = row.querySelector('[name="' + prefix + '-name"]');
    if (name) { name.focus(); name.select(); }
  }

  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add-row]");
    if (add && stageForm()) {
      event.preventDefault();
      const row = addRow();
      if (row) {
        const first = row.querySelector("input[type=text], input:not([type=hidden])");
        if (first) first.focus();
      }
      return;
    }
    const copy = event.target.closest("[data-copy-row]");
    if (copy) {
      copyRow(copy.closest("tbody.activity-row"));
      return;
    }
    const more = event.target.closest("[data-toggle-extra]");
    if (more) {
      const extra = more.closest("tbody.activity-row").querySelector("tr.row-extra");
      extra.hidden = !extra.hidden;
      more.setAttribute("aria-expanded", String(!extra.hidden));
      return;
    }
    const pick = event.target.closest("[data-pick-factor]");
    if (pick) {
      openPicker(pick.closest("tbody.activity-row"));
      return;
    }
    const choose = event.target.closest("[data-choose-factor]");
    if (choose) {
      chooseFactor(choose.dataset);
      return;
    }
    const useDefault = event.target.closest("[data-use-default]");
    if (useDefault) {
      const area = document.getElementById(useDefault.dataset.useDefault);
      const source = document.getElementById(useDefault.dataset.defaultSource);
      if (area && source) {
        if (area.value.trim() && !window.confirm(useDefault.dataset.confirm)) return;
        area.value = source.textContent.trim();
        area.focus();
      }
    }
  });

  document.addEventListener("change", function (event) {
    const del = event.target.closest("[data-delete-row]");
    if (del) {
      del.closest("tbody.activity-row").querySelectorAll("tr").forEach(function (tr) {
        tr.classList.toggle("row-deleted", del.checked);
      });
    }
    if (event.target.closest("#stage-form")) markDirty();
  });
  document.addEventListener("input", function (event) {
    if (event.target.closest("#stage-form")) markDirty();
    if (event.target.matches("[data-unit-input]")) scheduleUnitCheck(event.target);
  });

  // Nothing typed is lost by accident: warn before leaving a stage with unsaved changes.
  window.addEventListener("beforeunload", function (event) {
    const form = stageForm();
    if (form && form.dataset.dirty === "1" && !form.dataset.submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "stage-form") event.target.dataset.submitting = "1";
  });

  // ------------------------------------------- behaviour that used to be inline handlers
  // The Content-Security-Policy forbids inline script (onsubmit=, onchange=): templates mark
  // the element with a data- attribute instead and the behaviour lives here.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    // data-no-submit: a form that htmx sends itself (the factor picker's search)
    if (form.matches("form[data-no-submit]")) { event.preventDefault(); return; }
    // data-confirm on a form: ask first (removing a product, deleting an image)
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    // data-autosubmit: the language menu switches as soon as a language is chosen
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // ------------------------------------------------ long work shows that it is working
  // A draft PDF takes a few seconds to render. The link is fetched here so that it can show a
  // spinner until the file arrives and say so when it fails; without fetch it is a plain link.
  function setBusy(element, busy) {
    element.setAttribute("aria-busy", busy ? "true" : "false");
    element.classList.toggle("disabled", busy);
    let spinner = element.querySelector(".busy-spinner");
    if (busy && !spinner) {
      spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm busy-spinner me-1";
      spinner.setAttribute("aria-hidden", "true");
      element.prepend(spinner);
    } else if (!busy && spinner) {
      spinner.remove();
    }
  }

  function downloadName(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-busy-download]");
    if (!link || !window.fetch || event.button !== 0 || event.ctrlKey || event.metaKey
        || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    const status = document.getElementById(link.dataset.busyStatus || "");
    setBusy(link, true);
    if (status) {
      status.className = "small text-body-secondary";
      status.textContent = link.dataset.busyMessage || "";
    }
    // 202: the PDF is being rendered by a background job; ask again until it is there.
    function fetchRendered(url, triesLeft) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.status !== 202 || triesLeft <= 0) return response;
        return new Promise(function (resolve) { setTimeout(resolve, 1500); })
          .then(function () { return fetchRendered(url, triesLeft - 1); });
      });
    }
    fetchRendered(link.href, 200)
      .then(function (response) {
        if (!response.ok || response.status === 202) {
          // A refusal the server explains (a study too large for a report) is plain text.
          const type = response.headers.get("Content-Type") || "";
          if (response.status === 422 && type.indexOf("text/plain") === 0) {
            return response.text().then(function (text) { throw new Error(text); });
          }
          throw new Error("");
        }
        return response.blob().then(function (blob) {
          const url = URL.createObjectURL(blob);
          const anchor = document.createElement("a");
          anchor.href = url;
          anchor.download = downloadName(response, "report.pdf");
          document.body.append(anchor);
          anchor.click();
          anchor.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          if (status) status.textContent = "";
        });
      })
      .catch(function (error) {
        if (status) {
          status.className = "small text-danger";
          status.textContent = (error && error.message) || link.dataset.errorMessage || "";
        }
      })
      .finally(function () { setBusy(link, false); });
  });

  // Workflow actions (issuing renders and signs the report): one submission, shown as working.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-busy-form]");
    if (!form) return;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    const button = event.submitter || form.querySelector("button");
    // Not disabled: a disabled submitter would drop its name/value from the posted data.
    if (button) setBusy(button, true);
  });

  // ------------------------------------------- small formsets (the verification team)
  // A [data-formset] box holds the management form, rows in [data-formset-rows] and the blank
  // row in <template data-formset-empty>. Rows are added, moved (their ORDER inputs are
  // renumbered in page order) and marked for deletion; the server saves on submit.
  function renumber(box) {
    let n = 0;
    box.querySelectorAll("[data-formset-rows] [data-formset-order]").forEach(function (input) {
      n += 1;
      input.value = String(n);
    });
  }

  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-formset-add]");
    if (add) {
      const box = document.querySelector('[data-formset="' + add.dataset.formsetAdd + '"]');
      const template = box && box.querySelector("template[data-formset-empty]");
      if (!template) return;
      event.preventDefault();
      const total = box.querySelector('input[name="' + box.dataset.prefix + '-TOTAL_FORMS"]');
      const index = parseInt(total.value, 10);
      const rows = box.querySelector("[data-formset-rows]");
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      renumber(box);
      const first = rows.lastElementChild.querySelector("input[type=text]");
      if (first) first.focus();
      return;
    }
    const move = event.target.closest("[data-formset-move]");
    if (move) {
      const row = move.closest("[data-formset-row]");
      const other = move.dataset.formsetMove === "up" ? row.previousElementSibling : row.nextElementSibling;
      if (!other) return;
      if (move.dataset.formsetMove === "up") other.before(row); else other.after(row);
      renumber(row.closest("[data-formset]"));
      move.focus();
    }
  });
  document.addEventListener("change", function (event) {
    const del = event.target.closest("[data-formset-delete]");
    if (del) del.closest("[data-formset-row]").classList.toggle("row-deleted", del.checked);
  });

  // ---------------------------------------------------------------------- factor picker
  let pickerRow = null;

  function openPicker(row) {
    pickerRow = row;
    const modalEl = document.getElementById("factor-picker");
    if (!modalEl || !window.bootstrap) return;
    const modal = window.bootstrap.Modal.getOrCreateInstance(modalEl);
    modal.show();
  }

  let pickerShown = false;
  document.addEventListener("hidden.bs.modal", function (event) {
    if (event.target.id === "factor-picker") pickerShown = false;
  });
  // The first opening lists the library; later openings keep the last search.
  document.addEventListener("show.bs.modal", function (event) {
    if (event.target.id !== "factor-picker") return;
    const form = document.getElementById("factor-picker-form");
    if (window.htmx && !form.dataset.loaded) {
      form.dataset.loaded = "1";
      window.htmx.trigger(form, "submit");
    }
  });
  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "factor-picker") return;
    pickerShown = true;
    document.getElementById("picker-q").focus();
  });

  /** Put a factor (the picker's data-* fields) into a row: hidden id and button text. */
  function applyFactor(row, data) {
    const prefix = row.dataset.prefix;
    const hidden = row.querySelector('[name="' + prefix + '-factor"]');
    hidden.value = data.id;
    const button = row.querySelector("[data-pick-factor]");
    button.classList.remove("border-danger");
    button.removeAttribute("title");
    button.textContent = "";
    const code = document.createElement("span");
    code.className = "font-monospace";
    code.textContent = data.code + (parseInt(data.version, 10) > 1 ? " v" + data.version : "");
    const value = document.createElement("span");
    value.className = "factor-value";
    value.textContent = " " + data.value + " " + data.unit;
    const meta = document.createElement("span");
    meta.className = "factor-meta";
    meta.textContent = data.gas + " · " + data.year + " · " + data.region;
    button.append(code, value, meta);
    const unit = row.querySelector('[name="' + prefix + '-unit"]');
    if (unit && !unit.value.trim() && data.activityUnit) unit.value = data.activityUnit;
    return unit;
  }

  function chooseFactor(data) {
    if (!pickerRow) return;
    const unit = applyFactor(pickerRow, data);
    markDirty();
    const modalEl = document.getElementById("factor-picker");
    const modal = window.bootstrap.Modal.getOrCreateInstance(modalEl);
    // Bootstrap ignores hide() while the opening animation runs: close once it has opened.
    if (pickerShown) modal.hide();
    else modalEl.addEventListener("shown.bs.modal", function () { modal.hide(); }, { once: true });
    if (unit) { checkUnit(unit); unit.focus(); }
  }

  // ------------------------------------------------ a block of cells pasted from Excel
  // A spreadsheet copies cells as tab-separated lines. Pasted into a text field of a row,
  // they fill that row and the following ones (adding rows as needed), from the column pasted
  // into, in the table's order. Factor codes are looked up in the library; numbers lose their
  // thousands separators and "100%" becomes 1. The stage is saved as usual afterwards.
  const PASTE_COLUMNS = ["name", "quantity", "unit", "basis", "factor", "allocation", "data_type", "source"];

  function nextActivityRow(row) {
    let next = row.nextElementSibling;
    while (next && !(next.classList.contains("activity-row"))) {
      if (next.id === "activity-rows-end") return null;
      next = next.nextElementSibling;
    }
    return next;
  }

  function pastedNumber(text, field) {
    let value = text.replace(/[\s,]/g, "");
    if (field === "allocation" && /%$/.test(value)) {
      const pct = parseFloat(value.slice(0, -1));
      return isNaN(pct) ? text : String(pct / 100);
    }
    return value;
  }

  /** Set one pasted cell; returns false for a choice the select does not know. */
  function pasteCell(row, field, text, factorCodes) {
    const prefix = row.dataset.prefix;
    if (field === "factor") {
      if (text) factorCodes.push({ row: row, code: text });
      return true;
    }
    const input = row.querySelector('[name="' + prefix + "-" + field + '"]');
    if (!input || !text) return true;
    if (input.tagName === "SELECT") {
      const wanted = text.toLowerCase();
      const option = Array.from(input.options).find(function (o) {
        return o.value.toLowerCase() === wanted || o.textContent.trim().toLowerCase() === wanted;
      });
      if (!option) return false;
      input.value = option.value;
      return true;
    }
    input.value = input.type === "number" ? pastedNumber(text, field) : text;
    return true;
  }

  function lookUpFactors(form, factorCodes) {
    if (!factorCodes.length) return Promise.resolve([]);
    const params = new URLSearchParams();
    factorCodes.forEach(function (item) { params.append("code", item.code); });
    return fetch(form.dataset.factorLookupUrl + "?" + params.toString(), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { factors: {}, unknown: [] }; })
      .then(function (result) {
        const unknown = [];
        factorCodes.forEach(function (item) {
          const data = result.factors[item.code];
          if (data) {
            const unit = applyFactor(item.row, data);
            if (unit) checkUnit(unit);
          } else {
            const button = item.row.querySelector("[data-pick-factor]");
            button.classList.add("border-danger");
            button.title = item.code;
            if (unknown.indexOf(item.code) < 0) unknown.push(item.code);
          }
        });
        return unknown;
      });
  }

  document.addEventListener("paste", function (event) {
    const form = stageForm();
    const input = event.target;
    if (!form || !input.closest || !input.closest("#stage-form tbody.activity-row")) return;
    if (input.tagName !== "INPUT" || (input.type !== "text" && input.type !== "number")) return;
    const text = (event.clipboardData || window.clipboardData).getData("text/plain") || "";
    const trimmed = text.replace(/\r/g, "").replace(/\n+$/, "");
    if (trimmed.indexOf("\t") < 0 && trimmed.indexOf("\n") < 0) return;  // one value: paste as usual
    let row = input.closest("tbody.activity-row");
    const start = PASTE_COLUMNS.indexOf(input.name.slice(row.dataset.prefix.length + 1));
    if (start < 0) return;
    event.preventDefault();
    const factorCodes = [];
    const unknownChoices = [];
    const lines = trimmed.split("\n");
    lines.forEach(function (line, i) {
      if (i > 0) row = nextActivityRow(row) || addRow();
      line.split("\t").forEach(function (cell, j) {
        const field = PASTE_COLUMNS[start + j];
        const value = cell.trim();
        if (field && !pasteCell(row, field, value, factorCodes)) unknownChoices.push(value);
      });
    });
    markDirty();
    const note = document.getElementById("paste-note");
    lookUpFactors(form, factorCodes).then(function (unknownCodes) {
      if (!note) return;
      const parts = [form.dataset.pasteDone.replace("{n}", String(lines.length))];
      if (unknownCodes.length) parts.push(form.dataset.pasteUnknown.replace("{codes}", unknownCodes.join(", ")));
      if (unknownChoices.length) parts.push(form.dataset.pasteChoice.replace("{values}", unknownChoices.join(", ")));
      note.textContent = parts.join(" ");
      note.className = "small px-3 " + (unknownCodes.length || unknownChoices.length ? "text-danger" : "text-success");
    });
  });

  // ------------------------------------------------------------ units, checked as typed
  const timers = new WeakMap();

  function scheduleUnitCheck(input) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { checkUnit(input); }, 300));
  }

  function checkUnit(input) {
    const form = stageForm();
    if (!form) return;
    const row = input.closest("tbody.activity-row");
    const factor = row.querySelector("[data-factor-input]");
    const feedback = row.querySelector("[data-unit-feedback]");
    const params = new URLSearchParams({ unit: input.value, factor: factor ? factor.value : "" });
    fetch(form.dataset.unitCheckUrl + "?" + params.toString(), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (!result) return;
        input.classList.toggle("is-invalid", !result.ok);
        input.classList.toggle("is-valid", result.ok && input.value.trim() !== "");
        input.setAttribute("aria-invalid", result.ok ? "false" : "true");
        if (feedback) {
          feedback.textContent = result.message;
          feedback.classList.toggle("d-block", !result.ok);
        }
      })
      .catch(function () { /* offline: the server checks again on save */ });
  }

  // After htmx swapped the stage in: clean if it was saved; otherwise what was typed is still
  // unsaved (it came back with the errors), so it stays marked and the first error gets focus.
  document.addEventListener("htmx:afterSettle", function (event) {
    const config = event.detail.requestConfig;
    if (!config || !config.elt || config.elt.id !== "stage-form") return;
    const editor = document.getElementById("stage-editor");
    const form = stageForm();
    if (!editor || !form) return;
    delete form.dataset.submitting;
    if (editor.dataset.saved === "1") return;
    markDirty();
    const firstError = editor.querySelector(".is-invalid");
    if (firstError) firstError.focus();
  });
})();
