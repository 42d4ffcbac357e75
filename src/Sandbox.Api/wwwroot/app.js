// The sandbox's page: every action is one call of the public API with the key kept in this browser.
"use strict";
const $ = (id) => document.getElementById(id);
let key = localStorage.getItem("claims.key") || "";

async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : await response.blob();
  if (!response.ok) throw new Error(data.detail || data.title || `${response.status} ${response.statusText}`);
  return data;
}

function show(target, node) {
  const out = $(target);
  out.replaceChildren(...(Array.isArray(node) ? node : [node]));
}

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className) element.className = className;
  return element;
}

function problem(target) {
  return (error) => show(target, text("div", error.message, "problem"));
}

// A list or an object in a cell as words: a period from–to, a budget's left of granted, other fields as name: value.
function readable(value) {
  if (Array.isArray(value)) return value.map(readable).join(", ");
  if (value === null || typeof value !== "object") return value;
  if ("from" in value && "to" in value) return `${value.from}–${value.to}`;
  if ("granted" in value && "left" in value) return `${value.left.toLocaleString()} of ${value.granted.toLocaleString()} left`;
  return Object.entries(value).map(([k, v]) => `${k}: ${readable(v)}`).join("; ");
}

// Figures get thousands separators; keys that are numbers by form only (months, years, codes, ids) do not.
function figure(column, value, labels) {
  const names = labels && labels[column];
  if (names && names[value] !== undefined) return `${value} ${names[value]}`;
  if (typeof value !== "number" || /(month|year|code|_id|band)$/.test(column) || names) return value;
  return value.toLocaleString(document.documentElement.lang === "ja" ? "ja-JP" : "en-US");
}

// A result of {columns, rows, suppressed, rules, labels}: rows as arrays or objects, columns as names or {name}.
function table(result) {
  const columns = (result.columns || Object.keys((result.rows || [])[0] || {})).map((c) => (typeof c === "string" ? c : c.name));
  const hidden = new Set((result.suppressed || []).map((s) => `${s.row}/${s.column}`));
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  columns.forEach((c) => head.appendChild(text("th", c)));
  const body = element.createTBody();
  (result.rows || []).forEach((row, r) => {
    const line = body.insertRow();
    columns.forEach((c, i) => {
      const value = Array.isArray(row) ? row[i] : row[c];
      const cell = line.insertCell();
      if (hidden.has(`${r}/${c}`)) { cell.textContent = "x"; cell.className = "suppressed"; cell.title = "suppressed"; }
      else { cell.textContent = value === null || value === undefined ? "" : figure(c, readable(value), result.labels); if (typeof value !== "number") cell.className = "text"; }
    });
  });
  const parts = [element];
  if (result.rules && result.rules.length) parts.push(text("div", result.rules.join(" · "), "rules"));
  if (result.truncated) parts.push(text("div", "truncated at the row limit", "rules"));
  return parts;
}

function attrition(result) {
  return table({
    columns: ["rule", "remaining", "removed"],
    rows: result.attrition.map((s) => [s.rule, s.remaining ?? "x", s.removed ?? "x"]),
    rules: [`count: ${result.count ?? "x"}`, ...(result.rules || [])],
  });
}

async function whoami() {
  // What an earlier key was shown (and its errors) is not this key's.
  document.querySelectorAll(".out:not(#key-out)").forEach((out) => out.replaceChildren());
  if (!key) { $("who").textContent = "no key: sign up or paste one"; return; }
  try {
    const me = await api("GET", "/api/me");
    $("who").textContent = `${me.name} (${me.role})`;
    indicators();
  } catch (error) {
    $("who").textContent = error.message;
  }
}

function projectHeaders(form) {
  const project = form.project.value.trim();
  return project ? { "X-Claims-Project": project } : {};
}

$("signup").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const created = await api("POST", "/api/signup", { name: form.name.value, email: form.email.value });
    key = created.apiKey;
    localStorage.setItem("claims.key", key);
    show("key-out", text("div", `Your key (shown once, keep it): ${key}`));
    whoami();
  } catch (error) { problem("key-out")(error); }
});

$("use-key").addEventListener("submit", (event) => {
  event.preventDefault();
  key = event.target.key.value.trim();
  localStorage.setItem("claims.key", key);
  whoami();
});

$("forget").addEventListener("click", () => { key = ""; localStorage.removeItem("claims.key"); whoami(); });

$("datasets").addEventListener("click", () =>
  api("GET", "/api/datasets").then((d) => show("datasets-out", table({ rows: d.datasets || d }))).catch(problem("datasets-out")));

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = encodeURIComponent(event.target.q.value);
  api("GET", `/api/datasets/synthetic/schema?search=${q}`)
    .then((s) => show("datasets-out", table({
      columns: ["source", "code", "name"],
      rows: s.search.matches.map((m) => [m.source, m.code, m.name]),
      truncated: s.search.truncated,
    })))
    .catch(problem("datasets-out"));
});

$("sql").addEventListener("submit", (event) => {
  event.preventDefault();
  api("POST", "/api/datasets/synthetic/sql", { sql: event.target.sql.value }).then((r) => show("sql-out", table(r))).catch(problem("sql-out"));
});

$("query").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", `/api/datasets/${form.dataset.value}/query?labels=ja`, form.body.value, projectHeaders(form))
    .then((r) => show("query-out", table(r))).catch(problem("query-out"));
});

$("cohort").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", `/api/datasets/${form.dataset.value}/cohorts/count`, form.body.value, projectHeaders(form))
    .then((r) => show("cohort-out", attrition(r))).catch(problem("cohort-out"));
});

$("apply").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (!form.from.value !== !form.to.value) {
    show("projects-out", text("div", "give both months of the period (from and to), or neither for every month"));
    return;
  }
  const period = form.from.value ? { from: Number(form.from.value), to: Number(form.to.value) } : undefined;
  const datasets = ["restricted", "synthetic"].filter((d) => form[d].checked);
  const tables = form.tables.value.trim() ? form.tables.value.split(",").map((t) => t.trim()) : undefined;
  api("POST", "/api/projects", { title: form.title.value, purpose: form.purpose.value, datasets, tables, period })
    .then((p) => show("projects-out", text("div", `project ${p.id}: ${p.status}; an admin approves it`))).catch(problem("projects-out"));
});

$("projects").addEventListener("click", () =>
  api("GET", "/api/projects").then((p) => show("projects-out", table({ rows: p }))).catch(problem("projects-out")));

// Polls a job until it has finished, showing its status in target; throws unless it succeeded.
async function finished(jobId, target) {
  let job;
  do {
    await new Promise((r) => setTimeout(r, 1000));
    job = await api("GET", `/api/jobs/${jobId}`);
    show(target, text("div", `job ${jobId}: ${job.status}`));
  } while (job.status === "queued" || job.status === "running");
  if (job.status !== "succeeded") throw new Error(job.error || job.status);
  return job;
}

function downloadLink(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.textContent = `download ${name} (${blob.size.toLocaleString()} bytes)`;
  return link;
}

$("extract").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const request = { dataset: form.dataset.value, cohort: JSON.parse(document.querySelector("#cohort textarea").value),
      tables: form.tables.value.split(",").map((t) => t.trim()), format: form.format.value };
    const { jobId } = await api("POST", `/api/projects/${form.project.value.trim()}/extracts`, request);
    await finished(jobId, "projects-out");
    show("projects-out", downloadLink(await api("GET", `/api/jobs/${jobId}/download`), `extract-${jobId}.zip`));
  } catch (error) { problem("projects-out")(error); }
});

// A model job: its report page shown in a sandboxed frame (no script, no access to this page's key), and the
// model files to download, which a model withheld by disclosure control does not have.
$("model").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  try {
    const request = { dataset: form.dataset.value, spec: JSON.parse(form.spec.value) };
    const { jobId } = await api("POST", `/api/projects/${form.project.value.trim()}/models`, request);
    const job = await finished(jobId, "model-out");
    const frame = document.createElement("iframe");
    frame.sandbox = "";
    frame.className = "report";
    frame.srcdoc = await (await api("GET", `/api/jobs/${jobId}/files/report.html`)).text();
    const models = job.result.files.map((f) => f.file).filter((file) => file === "model.zip" || file === "model.onnx");
    const links = await Promise.all(models.map(async (file) =>
      downloadLink(await api("GET", `/api/jobs/${jobId}/files/${file}`), file)));
    show("model-out", [frame, ...links.flatMap((link) => [link, text("span", " ")])]);
  } catch (error) { problem("model-out")(error); }
});

$("dashboard").addEventListener("click", () =>
  Promise.all([api("GET", "/api/dashboards/costs"), api("GET", "/api/dashboards/costs.png")]).then(([d, chart]) => {
    const image = document.createElement("img");
    image.src = URL.createObjectURL(chart);
    image.alt = "monthly cost";
    const parts = [image];
    for (const [name, part] of Object.entries(d)) {
      if (part && part.rows) { parts.push(text("h3", name)); parts.push(...table(part)); }
      else if (typeof part === "string") parts.push(text("p", part, "rules"));
    }
    show("dashboard-out", parts);
  }).catch(problem("dashboard-out")));

// The indicators' catalogue fills the select once a key is known; a view shows its chart, its table and a CSV link.
async function indicators() {
  if (!key) return;
  try {
    const list = await api("GET", "/api/dashboards/indicators");
    $("indicator-id").replaceChildren(...list.map((i) => { const o = text("option", i.title); o.value = i.id; return o; }));
  } catch { /* the select keeps its default until a key works */ }
}

$("indicator").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const query = new URLSearchParams({ dataset: form.dataset.value });
  for (const name of ["from", "to", "prefecture", "sex", "ageBand", "insurerKind", "claimKind"])
    if (form[name].value.trim()) query.set(name, form[name].value.trim());
  const path = `/api/dashboards/indicators/${form.id.value}?${query}`;
  try {
    const view = await api("GET", path);
    const chart = view.indicator.standardised || form.chart.value === "value" ? form.chart.value : "value";
    const image = document.createElement("img");
    // A pyramid (age band × sex) or a trend (months) is not drawn by prefecture, so it has no map.
    const byPrefecture = !["age_band,sex", "month"].includes(view.indicator.breakdown.join(","));
    const layout = byPrefecture ? `&layout=${form.layout.value}` : "";
    image.src = URL.createObjectURL(await api("GET", `${path}&format=png&chart=${chart}${layout}`));
    image.alt = `${view.indicator.title}: chart`;
    const csv = downloadLink(await api("GET", `${path}&format=csv`), `${view.indicator.id}.csv`);
    const columns = ["prefecture", "category", "value", "numerator", "denominator", "patients", "adjusted", "index"];
    const hidden = [];
    const rows = view.rows.map((r, i) => {
      if (r.suppressed) for (const c of ["value", "numerator", "patients"]) hidden.push({ row: i, column: c });
      return [r.prefectureName, r.categoryNames.join(" "), r.value, r.numerator, r.denominator, r.patients, r.adjusted, r.index];
    });
    show("indicator-out", [text("p", `${view.indicator.description} (${view.indicator.unit}; ${view.indicator.source})`, "rules"),
      image, csv, ...table({ columns, rows, suppressed: hidden, rules: view.rules })]);
  } catch (error) { problem("indicator-out")(error); }
});

$("new-user").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", "/api/users", { name: form.name.value, role: form.role.value })
    .then((u) => show("admin-out", text("div", `${form.name.value} (${u.role}) has the key ${u.apiKey}: shown once, hand it over`)))
    .catch(problem("admin-out"));
});

$("users").addEventListener("click", () =>
  api("GET", "/api/users").then((u) => show("admin-out", table({ rows: u }))).catch(problem("admin-out")));

// Projects with their decision buttons: approve until the days given from now, or reject (which also withdraws an approval).
async function decisions() {
  const projects = await api("GET", "/api/projects");
  const list = document.createElement("ul");
  for (const p of projects) {
    const item = text("li", `${p.id} · ${p.title} · ${p.status} · ${readable(p.datasets)}${p.tables ? ` · ${readable(p.tables)}` : ""}${p.period ? ` · ${readable(p.period)}` : ""} `);
    for (const [action, label] of [["approve", "Approve"], ["reject", "Reject"]]) {
      const button = text("button", label);
      button.type = "button";
      button.setAttribute("aria-label", `${label} ${p.title}`);
      button.addEventListener("click", async () => {
        const body = action === "approve" ? { expiresAt: new Date(Date.now() + Number($("approve-days").value) * 86400000).toISOString() } : {};
        try { await api("POST", `/api/projects/${p.id}/${action}`, body); await decisions(); }
        catch (error) { problem("admin-out")(error); }
      });
      item.appendChild(button);
    }
    list.appendChild(item);
  }
  show("admin-out", projects.length ? list : text("div", "no projects"));
}

$("pending").addEventListener("click", () => decisions().catch(problem("admin-out")));

$("verify").addEventListener("click", () =>
  api("GET", "/api/audit/verify").then((v) => show("admin-out", text("div", v.ok ? `audit log intact: ${v.entries} entries` : `TAMPERED: ${v.problem}`)))
    .catch(problem("admin-out")));

whoami();
