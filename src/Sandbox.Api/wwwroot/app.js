// The sandbox's page: every action is one call of the public API with the key kept in this browser.
"use strict";
const $ = (id) => document.getElementById(id);
let key = localStorage.getItem("claims.key") || "";

// The page's words in each language: elements name theirs with data-i18n (text) or data-i18n-placeholder; messages the
// script writes are entries here too, functions where they take values.
const T = {
  ja: {
    "title": "Claims サンドボックス",
    "intro": "NDB 形式のレセプトデータ: 合成データは自由に探索でき、制限データは承認されたプロジェクトの中で扱います。",
    "reference": "API リファレンス:",
    "key.title": "1. API キー", "key.name": "名前", "key.email": "メールアドレス", "key.signup": "探索者として登録",
    "key.paste": "またはキーを貼り付け", "key.use": "使う", "key.forget": "消す",
    "datasets.title": "2. データセットとコード", "datasets.list": "データセット一覧", "datasets.search": "コードと名称を検索",
    "datasets.searchExample": "糖尿病, E11, 1124017", "datasets.searchButton": "検索",
    "sql.title": "3. 合成データへの SQL", "sql.label": "SQL 文", "run": "実行",
    "query.title": "4. エンジンクエリ", "query.label": "クエリ (JSON)",
    "dataset": "データセット", "synthetic": "合成データ (synthetic)", "restricted": "制限データ (restricted)",
    "project": "プロジェクト", "projectRestricted": "プロジェクト (制限データのみ)", "tables": "テーブル",
    "cohort.title": "5. コホート", "cohort.label": "コホート定義 (JSON)", "cohort.count": "数える",
    "projects.title": "6. プロジェクトと抽出 (分析者)", "projects.projectTitle": "題名", "projects.purpose": "目的",
    "projects.datasets": "データセット", "projects.tablesExample": "全テーブル、または receipts,diagnoses,drugs",
    "projects.from": "対象月 開始", "projects.to": "終了", "projects.apply": "申請する", "projects.mine": "自分のプロジェクト",
    "projects.format": "形式", "projects.extract": "上のコホートを抽出",
    "model.title": "7. 予測モデル", "model.spec": "仕様 (data-schemas/model.schema.json, docs/modelling.md)",
    "model.train": "学習してレポートを表示",
    "dashboard.title": "8. 医療費ダッシュボード (政策担当者)", "show": "表示",
    "indicator.title": "9. 指標 (医療費適正化計画の指標)", "indicator.indicator": "指標", "indicator.default": "1人当たり医療費",
    "indicator.from": "開始月", "indicator.to": "終了月", "yyyymm": "YYYYMM", "indicator.prefectures": "都道府県",
    "indicator.sex": "性別", "indicator.bothSexes": "男女計", "indicator.men": "男", "indicator.women": "女",
    "indicator.ageBands": "年齢階級", "indicator.insurerKinds": "保険者種別", "indicator.claimKinds": "診療種類",
    "indicator.chart": "グラフ", "indicator.value": "指標値", "indicator.adjusted": "年齢調整後", "indicator.index": "地域差指数",
    "indicator.layout": "レイアウト", "indicator.bars": "棒グラフ", "indicator.map": "タイル地図", "indicator.categories": "カテゴリ別",
    "admin.title": "10. 管理", "admin.role": "役割", "admin.create": "ユーザーを作成", "admin.users": "ユーザー一覧",
    "admin.pending": "判断待ちのプロジェクト", "admin.approveFor": "承認期間 (日)", "admin.verify": "監査ログを検証",
    "role.analyst": "分析者 (analyst)", "role.policymaker": "政策担当者 (policymaker)", "role.explorer": "探索者 (explorer)", "role.admin": "管理者 (admin)",
    "noKey": "キーがありません: 登録するか、キーを貼り付けてください",
    "yourKey": (k) => `あなたのキー (一度だけ表示されます。保管してください): ${k}`,
    "suppressed": "秘匿", "truncated": "行数の上限で打ち切り",
    "left": (left, granted) => `残り ${left} / ${granted}`,
    "attrition": ["条件", "残り", "除外"], "count": "人数",
    "bothMonths": "期間は開始月と終了月の両方を入れるか、全月なら両方とも空にしてください",
    "applied": (id, status) => `プロジェクト ${id}: ${status}。管理者が承認します`,
    "job": (id, status) => `ジョブ ${id}: ${status}`,
    "download": (name, size) => `${name} をダウンロード (${size} バイト)`,
    "monthlyCost": "月別医療費のグラフ", "chartOf": (title) => `${title}: グラフ`,
    "indicatorColumns": ["都道府県", "区分", "指標値", "分子", "分母", "患者数", "年齢調整後", "地域差指数"],
    "costParts": { byPrefecture: "都道府県別", bySexAgeBand: "性・年齢階級別", byClaimKind: "診療種類別", monthly: "月別" },
    "newKey": (name, role, k) => `${name} (${role}) のキー: ${k} (一度だけ表示されます。本人に渡してください)`,
    "approve": "承認", "reject": "却下", "noProjects": "プロジェクトはありません",
    "auditOk": (n) => `監査ログは改ざんされていません: ${n} 件`, "auditTampered": (p) => `改ざんあり: ${p}`,
    "caption.datasets": "データセット", "caption.search": "コードの検索結果", "caption.sql": "SQL の結果",
    "caption.query": "クエリの結果", "caption.attrition": "コホートの条件ごとの人数", "caption.projects": "プロジェクト",
    "caption.users": "ユーザー",
    "catalogue.table": "テーブル", "catalogue.show": "列と値の例を表示",
    "catalogue.columns": ["列", "型", "コード体系", "単位", "説明", "値の例 (行数)"],
    "catalogue.caption": (table, month) => `${table} の列 (値の例は ${month} 月の行から)`,
    "catalogue.identifying": "識別子: 例は示しません", "catalogue.none": "値がありません",
    "builder.note": "選んだ内容で下のクエリ (JSON) を書きます。JSON は直接書き換えることもできます。",
    "builder.group1": "グループ 1", "builder.group2": "グループ 2", "builder.aggregate": "集計", "builder.column": "集計する列",
    "builder.count": "件数", "builder.countDistinct": "異なる値の数", "builder.sum": "合計", "builder.avg": "平均",
    "builder.min": "最小", "builder.max": "最大", "builder.order": "並び順", "builder.byValue": "集計値の大きい順",
    "builder.byGroups": "グループ順", "builder.limit": "行数の上限", "builder.filters": "条件 (すべて満たす行)",
    "builder.addFilter": "条件を追加", "builder.run": "組み立てたクエリを実行", "builder.none": "(なし)", "builder.rows": "* (行)",
    "filter.column": (n) => `条件 ${n}: 列`, "filter.operator": (n) => `条件 ${n}: 比較`, "filter.value": (n) => `条件 ${n}: 値`,
    "filter.remove": (n) => `条件 ${n} を削除`, "filter.removeText": "削除",
    "operators": { eq: "=", ne: "≠", lt: "<", le: "≤", gt: ">", ge: "≥", in: "いずれか (カンマ区切り)", prefix: "前方一致" },
    "chart.of": (value, groups) => groups ? `${value} の棒グラフ (${groups} 別)` : `${value} の棒グラフ`,
    "chart.first": (n) => `上位 ${n} 行のみ表示`,
    "funnel.caption": "コホートの条件ごとの人数 (ファネル)",
    "model.mine": "自分のモデルとレポート", "model.none": "モデルのジョブはまだありません",
    "model.job": (job) => `${job.id} · プロジェクト ${job.projectId} · ${job.status} · ${new Date(job.created).toLocaleString("ja-JP")}`,
    "model.show": "レポートを表示", "model.showFor": (id) => `レポートを表示: ${id}`,
    "report.title": (r) => `${r.name} (${r.model})`,
    "report.metrics": "予測の性能 (テスト集団)", "report.metricColumns": ["指標", "モデル", "ベースライン"],
    "report.slope": "較正の傾き (1 が理想)", "report.intercept": "較正の切片 (0 が理想)", "report.meanObserved": "観測値の平均",
    "report.calibration": "較正 (予測値の十分位ごと)", "report.calibrationColumns": ["十分位", "人数", "予測の平均", "観測"],
    "report.population": "集団", "report.populationColumns": ["対象コホート", "メンバー", "アウトカム", "学習", "テスト", "テストのアウトカム"],
    "report.features": "重要な特徴量 (上位 10)", "report.featureColumns": ["特徴量", "シャッフル時の低下"],
    "report.checks": "開示チェック",
    "report.membership": (m) => `メンバーシップ推論攻撃の AUC ${m.attackAuc.toFixed(3)} (上限 ${m.limit}): ${m.passed ? "合格" : "不合格"}`,
    "report.public": "合成データ (公開) のため、数値はそのまま示しています",
    "report.restricted": (project) => `制限データ: プロジェクト ${project} に開示制御を通して示しています`,
    "report.withheld": (why) => `モデルは出力されませんでした: ${why}`,
    "report.noise": (n) => `制限データから公表された値にはノイズがあります。標準偏差はおよそ 観測値の平均 ${n.meanObserved}、R² ${n.rSquared}、十分位の平均 ${n.decileMean}、特徴量の R² の低下 ${n.importanceDrop} です`,
  },
  en: {
    "title": "Claims sandbox",
    "intro": "NDB-style claims data: explore the synthetic dataset freely; work on the restricted one inside an approved project.",
    "reference": "API reference:",
    "key.title": "1. Your key", "key.name": "Name", "key.email": "E-mail", "key.signup": "Sign up as an explorer",
    "key.paste": "or paste a key", "key.use": "Use", "key.forget": "Forget",
    "datasets.title": "2. Datasets and codes", "datasets.list": "List datasets", "datasets.search": "Search codes and names",
    "datasets.searchExample": "糖尿病, E11, 1124017", "datasets.searchButton": "Search",
    "sql.title": "3. SQL on the synthetic data", "sql.label": "SQL statement", "run": "Run",
    "query.title": "4. Engine query", "query.label": "Query (JSON)",
    "dataset": "Dataset", "synthetic": "synthetic", "restricted": "restricted",
    "project": "Project", "projectRestricted": "Project (restricted only)", "tables": "Tables",
    "cohort.title": "5. Cohort", "cohort.label": "Cohort definition (JSON)", "cohort.count": "Count",
    "projects.title": "6. Projects and extracts (analysts)", "projects.projectTitle": "Title", "projects.purpose": "Purpose",
    "projects.datasets": "Datasets", "projects.tablesExample": "every table, or receipts,diagnoses,drugs",
    "projects.from": "Months from", "projects.to": "to", "projects.apply": "Apply", "projects.mine": "My projects",
    "projects.format": "Format", "projects.extract": "Extract the cohort above",
    "model.title": "7. Prediction models", "model.spec": "Spec (data-schemas/model.schema.json, docs/modelling.md)",
    "model.train": "Train and show the report",
    "dashboard.title": "8. Cost dashboard (policymakers)", "show": "Show",
    "indicator.title": "9. Indicators (medical cost optimisation plan)", "indicator.indicator": "Indicator",
    "indicator.default": "Healthcare spending per person",
    "indicator.from": "From", "indicator.to": "To", "yyyymm": "YYYYMM", "indicator.prefectures": "Prefectures",
    "indicator.sex": "Sex", "indicator.bothSexes": "both", "indicator.men": "men", "indicator.women": "women",
    "indicator.ageBands": "Age bands", "indicator.insurerKinds": "Insurer kinds", "indicator.claimKinds": "Claim kinds",
    "indicator.chart": "Chart", "indicator.value": "value", "indicator.adjusted": "age-adjusted", "indicator.index": "regional difference index",
    "indicator.layout": "Layout", "indicator.bars": "bars", "indicator.map": "tile map", "indicator.categories": "by category",
    "admin.title": "10. Administration", "admin.role": "Role", "admin.create": "Create the user", "admin.users": "Users",
    "admin.pending": "Projects to decide", "admin.approveFor": "Approve for (days)", "admin.verify": "Verify the audit log",
    "role.analyst": "analyst", "role.policymaker": "policymaker", "role.explorer": "explorer", "role.admin": "admin",
    "noKey": "no key: sign up or paste one",
    "yourKey": (k) => `Your key (shown once, keep it): ${k}`,
    "suppressed": "suppressed", "truncated": "truncated at the row limit",
    "left": (left, granted) => `${left} of ${granted} left`,
    "attrition": ["rule", "remaining", "removed"], "count": "count",
    "bothMonths": "give both months of the period (from and to), or neither for every month",
    "applied": (id, status) => `project ${id}: ${status}; an admin approves it`,
    "job": (id, status) => `job ${id}: ${status}`,
    "download": (name, size) => `download ${name} (${size} bytes)`,
    "monthlyCost": "monthly cost chart", "chartOf": (title) => `${title}: chart`,
    "indicatorColumns": ["prefecture", "category", "value", "numerator", "denominator", "patients", "adjusted", "index"],
    "costParts": { byPrefecture: "by prefecture", bySexAgeBand: "by sex and age band", byClaimKind: "by claim kind", monthly: "monthly" },
    "newKey": (name, role, k) => `${name} (${role}) has the key ${k}: shown once, hand it over`,
    "approve": "Approve", "reject": "Reject", "noProjects": "no projects",
    "auditOk": (n) => `audit log intact: ${n} entries`, "auditTampered": (p) => `TAMPERED: ${p}`,
    "caption.datasets": "Datasets", "caption.search": "Codes found", "caption.sql": "SQL result",
    "caption.query": "Query result", "caption.attrition": "Cohort attrition", "caption.projects": "Projects",
    "caption.users": "Users",
    "catalogue.table": "Table", "catalogue.show": "Show its columns and example values",
    "catalogue.columns": ["column", "type", "code system", "unit", "description", "example values (rows)"],
    "catalogue.caption": (table, month) => `The columns of ${table} (example values from the rows of ${month})`,
    "catalogue.identifying": "identifying: no examples shown", "catalogue.none": "no values",
    "builder.note": "Your choices write the query (JSON) below, which you can also edit by hand.",
    "builder.group1": "Group by", "builder.group2": "then by", "builder.aggregate": "Aggregate", "builder.column": "of column",
    "builder.count": "count", "builder.countDistinct": "distinct values", "builder.sum": "sum", "builder.avg": "average",
    "builder.min": "minimum", "builder.max": "maximum", "builder.order": "Order", "builder.byValue": "largest first",
    "builder.byGroups": "by group", "builder.limit": "At most rows", "builder.filters": "Filters (rows meeting all)",
    "builder.addFilter": "Add a filter", "builder.run": "Run the query built", "builder.none": "(none)", "builder.rows": "* (rows)",
    "filter.column": (n) => `filter ${n}: column`, "filter.operator": (n) => `filter ${n}: comparison`, "filter.value": (n) => `filter ${n}: value`,
    "filter.remove": (n) => `Remove filter ${n}`, "filter.removeText": "Remove",
    "operators": { eq: "=", ne: "≠", lt: "<", le: "≤", gt: ">", ge: "≥", in: "any of (comma-separated)", prefix: "starts with" },
    "chart.of": (value, groups) => groups ? `bar chart of ${value} by ${groups}` : `bar chart of ${value}`,
    "chart.first": (n) => `only the first ${n} rows drawn`,
    "funnel.caption": "Cohort attrition (funnel)",
    "model.mine": "My models and their reports", "model.none": "no model jobs yet",
    "model.job": (job) => `${job.id} · project ${job.projectId} · ${job.status} · ${new Date(job.created).toLocaleString("en-GB")}`,
    "model.show": "Show the report", "model.showFor": (id) => `Show the report of ${id}`,
    "report.title": (r) => `${r.name} (${r.model})`,
    "report.metrics": "How well it predicts (test members)", "report.metricColumns": ["metric", "model", "baseline"],
    "report.slope": "calibration slope (1 is calibrated)", "report.intercept": "calibration intercept (0 is calibrated)", "report.meanObserved": "mean observed",
    "report.calibration": "Calibration (tenths by prediction)", "report.calibrationColumns": ["tenth", "members", "mean predicted", "observed"],
    "report.population": "Population", "report.populationColumns": ["target cohort", "members", "outcomes", "train", "test", "test outcomes"],
    "report.features": "Features it leans on most (top 10)", "report.featureColumns": ["feature", "fall when shuffled"],
    "report.checks": "Disclosure checks",
    "report.membership": (m) => `membership inference attack AUC ${m.attackAuc.toFixed(3)} (limit ${m.limit}): ${m.passed ? "passed" : "failed"}`,
    "report.public": "synthetic (public) data: figures shown as they are",
    "report.restricted": (project) => `restricted data: released to project ${project} through disclosure control`,
    "report.withheld": (why) => `the model was withheld: ${why}`,
    "report.noise": (n) => `figures released from restricted data carry noise; its standard deviation is about ${n.meanObserved} in the mean observed, ${n.rSquared} in R², ${n.decileMean} in a tenth's means and ${n.importanceDrop} in a feature's fall in R²`,
  },
};

// The language: ?lang= in the page's address, else the one chosen before in this browser, else Japanese.
let lang = [new URLSearchParams(location.search).get("lang"), localStorage.getItem("claims.lang")].find((l) => l in T) || "ja";

function t(name, ...values) {
  const entry = T[lang][name];
  return typeof entry === "function" ? entry(...values) : entry;
}

const locale = () => (lang === "ja" ? "ja-JP" : "en-US");

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
  if ("granted" in value && "left" in value) return t("left", value.left.toLocaleString(locale()), value.granted.toLocaleString(locale()));
  return Object.entries(value).map(([k, v]) => `${k}: ${readable(v)}`).join("; ");
}

// Figures get thousands separators; keys that are numbers by form only (months, years, codes, ids) do not.
function figure(column, value, labels) {
  const names = labels && labels[column];
  if (names && names[value] !== undefined) return `${value} ${names[value]}`;
  if (typeof value !== "number" || /(month|year|code|_id|band)$/.test(column) || names) return value;
  return value.toLocaleString(locale());
}

// A result of {columns, rows, suppressed, rules, labels}: rows as arrays or objects, columns as names or {name};
// headers, when given, are the columns' names as shown (each th keeps its column's name in data-column). The caption
// names the table for a screen reader and for the scrolling box it sits in.
function table(result, caption) {
  const columns = (result.columns || Object.keys((result.rows || [])[0] || {})).map((c) => (typeof c === "string" ? c : c.name));
  const hidden = new Set((result.suppressed || []).map((s) => `${s.row}/${s.column}`));
  const element = document.createElement("table");
  element.createCaption().textContent = caption;
  const head = element.createTHead().insertRow();
  columns.forEach((c, i) => {
    const th = text("th", (result.headers || columns)[i]);
    th.scope = "col";
    th.dataset.column = c;
    head.appendChild(th);
  });
  const body = element.createTBody();
  (result.rows || []).forEach((row, r) => {
    const line = body.insertRow();
    columns.forEach((c, i) => {
      const value = Array.isArray(row) ? row[i] : row[c];
      const cell = line.insertCell();
      if (hidden.has(`${r}/${c}`)) { cell.textContent = "x"; cell.className = "suppressed"; cell.title = t("suppressed"); }
      else { cell.textContent = value === null || value === undefined ? "" : figure(c, readable(value), result.labels); if (typeof value !== "number") cell.className = "text"; }
    });
  });
  // A wide table scrolls inside its own box, which a keyboard user can focus to scroll.
  const box = document.createElement("div");
  box.className = "table-box";
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", caption);
  box.appendChild(element);
  const parts = [box];
  if (result.rules && result.rules.length) parts.push(text("div", result.rules.join(" · "), "rules"));
  if (result.truncated) parts.push(text("div", t("truncated"), "rules"));
  return parts;
}

function attrition(result) {
  const hidden = result.attrition.flatMap((s, row) => ["remaining", "removed"].filter((c) => s[c] === null).map((column) => ({ row, column })));
  return table({
    columns: ["rule", "remaining", "removed"],
    headers: t("attrition"),
    rows: result.attrition.map((s) => [s.rule, s.remaining, s.removed]),
    suppressed: hidden,
    rules: [`${t("count")}: ${result.count ?? "x"}`, ...(result.rules || [])],
  }, t("caption.attrition"));
}

// Charts are SVG drawn here: no library, no request. A drawing scales to the width it is given (its text with it, so
// at 200% zoom it is as wide as the page and its words larger than at 100%), and names itself for a screen reader.
const SVG = "http://www.w3.org/2000/svg";
const CHART_WIDTH = 640;
const CHART_ROWS = 30;

function svg(tag, attributes = {}, content) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (content !== undefined) element.textContent = content;
  return element;
}

function drawing(height, caption) {
  const root = svg("svg", { viewBox: `0 0 ${CHART_WIDTH} ${height}`, role: "img", "aria-label": caption, class: "chart" });
  root.appendChild(svg("title", {}, caption));
  return root;
}

const clip = (words, length) => (words.length > length ? `${words.slice(0, length - 1)}…` : words);

// A query's first aggregate as horizontal bars, one per row (the first CHART_ROWS), each named by its group keys; a
// suppressed figure is drawn as the marker the table shows, never as a bar. Nothing when the aggregate is no number.
function barChart(result, groups) {
  const columns = result.columns.map((c) => c.name);
  const value = Math.min(groups, columns.length - 1);
  if (!["int64", "double"].includes(result.columns[value].type) || !result.rows.length) return [];
  const hidden = new Set((result.suppressed || []).filter((s) => s.column === columns[value]).map((s) => s.row));
  const rows = result.rows.slice(0, CHART_ROWS);
  const top = Math.max(0, ...rows.map((r, i) => (hidden.has(i) ? 0 : r[value] || 0)));
  const [height, left, right] = [24, 240, 90];
  const chart = drawing(rows.length * height + 4, t("chart.of", columns[value], columns.slice(0, groups).join(", ")));
  rows.forEach((row, i) => {
    const y = i * height + 2;
    const name = groups ? columns.slice(0, groups).map((c, k) => figure(c, readable(row[k]), result.labels)).join(" · ") : columns[value];
    chart.appendChild(svg("text", { x: left - 6, y: y + 16, "text-anchor": "end" }, clip(String(name), 34)));
    if (hidden.has(i)) {
      chart.appendChild(svg("text", { x: left, y: y + 16, class: "suppressed" }, "x")).appendChild(svg("title", {}, t("suppressed")));
      return;
    }
    if (typeof row[value] !== "number") return;
    const width = top > 0 ? (Math.max(row[value], 0) / top) * (CHART_WIDTH - left - right) : 0;
    chart.appendChild(svg("rect", { x: left, y: y + 3, width: Math.max(width, 1), height: height - 6, class: "bar" }));
    chart.appendChild(svg("text", { x: left + width + 4, y: y + 16 }, figure(columns[value], row[value])));
  });
  return result.rows.length > CHART_ROWS ? [chart, text("div", t("chart.first", CHART_ROWS), "rules")] : [chart];
}

// The attrition as a funnel: a bar per step, centred, as wide as the patients remaining, each named by its rule and
// count; a suppressed count is the marker, with no bar (a bar's width would tell the number).
function funnel(result) {
  const steps = result.attrition;
  const top = Math.max(1, ...steps.map((s) => s.remaining ?? 0));
  const height = 48;
  const chart = drawing(steps.length * height + 4, t("funnel.caption"));
  const count = (n) => (n === null || n === undefined ? "x" : n.toLocaleString(locale()));
  steps.forEach((step, i) => {
    const y = i * height + 2;
    const removed = i > 0 ? ` (−${count(step.removed)})` : "";
    chart.appendChild(svg("text", { x: CHART_WIDTH / 2, y: y + 14, "text-anchor": "middle", class: "step" }, `${clip(step.rule, 60)}: ${count(step.remaining)}${removed}`));
    if (step.remaining === null || step.remaining === undefined) {
      chart.appendChild(svg("text", { x: CHART_WIDTH / 2, y: y + 36, "text-anchor": "middle", class: "suppressed" }, "x"))
        .appendChild(svg("title", {}, t("suppressed")));
      return;
    }
    const width = Math.max((step.remaining / top) * (CHART_WIDTH - 20), 2);
    chart.appendChild(svg("rect", { x: (CHART_WIDTH - width) / 2, y: y + 20, width, height: height - 26, class: "bar" }));
  });
  return chart;
}

// Who the key is, kept so that a change of language can write it again: {me} or {error}.
let identity = {};

function showWho() {
  $("who").textContent = !key ? t("noKey") : identity.me ? `${identity.me.name} (${identity.me.role})` : identity.error || "";
}

async function whoami() {
  // What an earlier key was shown (and its errors) is not this key's.
  document.querySelectorAll(".out:not(#key-out)").forEach((out) => out.replaceChildren());
  identity = {};
  showWho();
  if (!key) return;
  try {
    identity = { me: await api("GET", "/api/me") };
    indicators();
    tables();
  } catch (error) {
    identity = { error: error.message };
  }
  showWho();
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
    show("key-out", text("div", t("yourKey", key)));
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
  api("GET", "/api/datasets").then((d) => show("datasets-out", table({ rows: d.datasets || d }, t("caption.datasets")))).catch(problem("datasets-out")));

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = encodeURIComponent(event.target.q.value);
  api("GET", `/api/datasets/synthetic/schema?search=${q}`)
    .then((s) => show("datasets-out", table({
      columns: ["source", "code", "name"],
      rows: s.search.matches.map((m) => [m.source, m.code, m.name]),
      truncated: s.search.truncated,
    }, t("caption.search"))))
    .catch(problem("datasets-out"));
});

// A table's columns with example values, from the synthetic data (the schema is the same for every dataset), asked
// once per table and language: the catalogue and the query builder share them.
const catalogues = new Map();

function catalogue(name) {
  const address = `/api/datasets/synthetic/tables/${encodeURIComponent(name)}?labels=${lang}`;
  if (!catalogues.has(address)) catalogues.set(address, api("GET", address).catch((error) => { catalogues.delete(address); throw error; }));
  return catalogues.get(address);
}

// The tables fill the catalogue's and the builder's choices once a key works (again on a change of language, for
// their descriptions), keeping what was chosen.
async function tables() {
  if (!key) return;
  try {
    const list = await api("GET", "/api/datasets/synthetic/tables");
    document.querySelectorAll("select.tables").forEach((select) => fill(select, list.map((entry) => [entry.name, `${entry.name}: ${entry.description[lang]}`])));
    await builderColumns();
  } catch { /* the selects keep their default until a key works */ }
}

// A select's options as [value, words] pairs, keeping the value chosen when it is still there.
function fill(select, options) {
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, words]) => { const option = text("option", words); option.value = value; return option; }));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}

function examples(column) {
  if (column.examples === null) return t("catalogue.identifying");
  if (!column.examples.length) return t("catalogue.none");
  return column.examples.map((e) => `${e.value}${e.label ? ` ${e.label}` : ""} (${e.rows.toLocaleString(locale())})`).join(" · ");
}

$("catalogue").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const found = await catalogue(event.target.table.value);
    show("datasets-out", table({
      columns: ["column", "type", "codeSystem", "unit", "description", "examples"],
      headers: t("catalogue.columns"),
      rows: found.columns.map((c) => [c.name, c.type, c.codeSystem ?? "", c.unit ?? "", c.description[lang], examples(c)]),
    }, t("catalogue.caption", found.table, found.month)));
  } catch (error) { problem("datasets-out")(error); }
});

// The query builder: its choices write the engine query into the query form's text, which runs it; the text stays
// the query's one source, so an expert can edit what the builder wrote.
const builder = $("builder");
let builderTable = null;

const measure = (c) => /^(int|float)/.test(c.type) && !c.codeSystem && !c.identifying;

async function builderColumns() {
  builderTable = await catalogue(builder.table.value);
  const columns = builderTable.columns;
  const names = columns.map((c) => c.name);
  // The derived keys the engine groups by where their column is there (docs/queries.md).
  const groups = [...columns.filter((c) => !c.identifying).map((c) => c.name),
    ...(names.includes("age") ? ["age_band"] : []), ...(names.includes("icd10") ? ["icd10_category", "icd10_chapter"] : []),
    ...(names.includes("yj_code") ? ["yj_ingredient"] : []), "year", "fiscal_year"];
  for (const select of [builder.group1, builder.group2]) fill(select, [["", t("builder.none")], ...groups.map((g) => [g, g])]);
  aggregateColumns();
  for (const select of document.querySelectorAll("#filters select.column")) {
    fill(select, filterable());
    suggest(select);
  }
}

function aggregateColumns() {
  const aggregate = builder.aggregate.value;
  const columns = builderTable ? builderTable.columns : [];
  const eligible = aggregate === "sum" || aggregate === "avg" ? columns.filter(measure)
    : aggregate === "min" || aggregate === "max" ? columns.filter((c) => !c.identifying) : columns;
  fill(builder.column, [...(aggregate === "count" ? [["*", t("builder.rows")]] : []), ...eligible.map((c) => [c.name, c.name])]);
}

const filterable = () => (builderTable ? builderTable.columns.filter((c) => !c.identifying).map((c) => [c.name, c.name]) : []);

// A filter's value box offers the column's example values, named.
function suggest(select) {
  const list = select.parentElement.querySelector("datalist");
  const column = builderTable && builderTable.columns.find((c) => c.name === select.value);
  list.replaceChildren(...((column && column.examples) || []).map((e) => {
    const option = document.createElement("option");
    option.value = e.value;
    if (e.label) option.label = e.label;
    return option;
  }));
}

let filtersMade = 0;

function addFilter() {
  const item = document.createElement("li");
  const column = document.createElement("select");
  column.className = "column";
  const operator = document.createElement("select");
  operator.className = "operator";
  fill(operator, Object.entries(t("operators")));
  const value = document.createElement("input");
  value.className = "value";
  value.size = 14;
  const list = document.createElement("datalist");
  list.id = `filter-values-${++filtersMade}`;
  value.setAttribute("list", list.id);
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "remove";
  remove.addEventListener("click", () => {
    item.remove();
    nameFilters();
    writeQuery();
    $("add-filter").focus();
  });
  item.append(column, " ", operator, " ", value, list, " ", remove);
  $("filters").appendChild(item);
  fill(column, filterable());
  suggest(column);
  nameFilters();
  column.focus();
}

// Filters are numbered as they stand, in the page's language, so each control's name says which filter it is.
function nameFilters() {
  [...$("filters").children].forEach((item, i) => {
    const [column, operator, value] = item.querySelectorAll("select, input");
    column.setAttribute("aria-label", t("filter.column", i + 1));
    operator.setAttribute("aria-label", t("filter.operator", i + 1));
    for (const option of operator.options) option.textContent = t("operators")[option.value];
    value.setAttribute("aria-label", t("filter.value", i + 1));
    const remove = item.querySelector("button.remove");
    remove.textContent = t("filter.removeText");
    remove.setAttribute("aria-label", t("filter.remove", i + 1));
  });
}

// A filter as a column test, its value typed as the column holds it; null while it has no value.
function filterTest(item) {
  const [name, operator, input] = item.querySelectorAll("select, input");
  const column = builderTable.columns.find((c) => c.name === name.value);
  const written = input.value.trim();
  if (!column || !written) return null;
  const typed = (v) => (/^(int|float|month)/.test(column.type) ? Number(v) : column.type === "bool" ? v === "true" || v === "1" : v);
  if (operator.value === "in") return { col: column.name, in: written.split(",").map((v) => v.trim()).filter(Boolean).map(typed) };
  return { col: column.name, [operator.value]: operator.value === "prefix" ? written : typed(written) };
}

function builtQuery() {
  const groupBy = [...new Set([builder.group1.value, builder.group2.value].filter(Boolean))];
  const [aggregate, column] = [builder.aggregate.value, builder.column.value || "*"];
  const alias = column === "*" ? "rows" : `${aggregate}_${column}`;
  const tests = [...$("filters").children].map(filterTest).filter(Boolean);
  const query = { from: builder.table.value };
  if (tests.length) query.where = tests.length === 1 ? tests[0] : { and: tests };
  if (groupBy.length) query.groupBy = groupBy;
  query.select = [{ [aggregate]: column, as: alias }];
  if (groupBy.length) query.orderBy = builder.order.value === "value" ? [{ col: alias, desc: true }] : groupBy.map((g) => ({ col: g }));
  const limit = Number(builder.limit.value);
  if (Number.isInteger(limit) && limit > 0) query.limit = limit;
  return query;
}

// One member a line, as the example the page opens with is written.
function writeQuery() {
  if (!builderTable) return;
  const query = builtQuery();
  $("query").body.value = `{${Object.entries(query).map(([name, value]) => `"${name}": ${JSON.stringify(value)}`).join(",\n ")}}`;
}

builder.addEventListener("input", (event) => {
  if (event.target === builder.table) { builderColumns().then(writeQuery).catch(problem("query-out")); return; }
  if (event.target === builder.aggregate) aggregateColumns();
  if (event.target.matches("#filters select.column")) suggest(event.target);
  writeQuery();
});

$("add-filter").addEventListener("click", addFilter);

// Enter in the builder runs the query it wrote.
builder.addEventListener("submit", (event) => {
  event.preventDefault();
  writeQuery();
  $("query").requestSubmit();
});

$("sql").addEventListener("submit", (event) => {
  event.preventDefault();
  api("POST", "/api/datasets/synthetic/sql", { sql: event.target.sql.value }).then((r) => show("sql-out", table(r, t("caption.sql")))).catch(problem("sql-out"));
});

// The group keys a query the service answered asked for: the columns of its answer before the aggregates.
function groupCount(query) {
  return (JSON.parse(query).groupBy || []).length;
}

$("query").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", `/api/datasets/${form.dataset.value}/query?labels=${lang}`, form.body.value, projectHeaders(form))
    .then((r) => show("query-out", [...barChart(r, groupCount(form.body.value)), ...table(r, t("caption.query"))])).catch(problem("query-out"));
});

$("cohort").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", `/api/datasets/${form.dataset.value}/cohorts/count`, form.body.value, projectHeaders(form))
    .then((r) => show("cohort-out", [funnel(r), ...attrition(r)])).catch(problem("cohort-out"));
});

$("apply").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (!form.from.value !== !form.to.value) {
    show("projects-out", text("div", t("bothMonths")));
    return;
  }
  const period = form.from.value ? { from: Number(form.from.value), to: Number(form.to.value) } : undefined;
  const datasets = ["restricted", "synthetic"].filter((d) => form[d].checked);
  const tables = form.tables.value.trim() ? form.tables.value.split(",").map((t) => t.trim()) : undefined;
  api("POST", "/api/projects", { title: form.title.value, purpose: form.purpose.value, datasets, tables, period })
    .then((p) => show("projects-out", text("div", t("applied", p.id, p.status)))).catch(problem("projects-out"));
});

$("projects").addEventListener("click", () =>
  api("GET", "/api/projects").then((p) => show("projects-out", table({ rows: p }, t("caption.projects")))).catch(problem("projects-out")));

// Polls a job until it has finished, showing its status in target; throws unless it succeeded.
async function finished(jobId, target) {
  let job;
  do {
    await new Promise((r) => setTimeout(r, 1000));
    job = await api("GET", `/api/jobs/${jobId}`);
    show(target, text("div", t("job", jobId, job.status)));
  } while (job.status === "queued" || job.status === "running");
  if (job.status !== "succeeded") throw new Error(job.error || job.status);
  return job;
}

function downloadLink(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.textContent = t("download", name, blob.size.toLocaleString(locale()));
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

// The caller's model jobs, each report shown on demand: a list costs one call, a report one more.
$("model-reports").addEventListener("click", async () => {
  try {
    const jobs = await api("GET", "/api/jobs?kind=model");
    const list = document.createElement("ul");
    for (const job of jobs) {
      const item = text("li", `${t("model.job", job)} `);
      if (job.result && job.result.available) {
        const button = text("button", t("model.show"));
        button.type = "button";
        button.setAttribute("aria-label", t("model.showFor", job.id));
        button.addEventListener("click", () => api("GET", `/api/jobs/${job.id}/files/report.json`)
          .then((report) => show("model-report", modelReport(report))).catch(problem("model-report")));
        item.appendChild(button);
      } else if (job.error) item.appendChild(text("span", job.error, "problem"));
      list.appendChild(item);
    }
    show("model-list", jobs.length ? list : text("div", t("model.none")));
  } catch (error) { problem("model-list")(error); }
});

// A released figure, rounded for reading; null is a suppressed one (restricted data), shown as the marker.
const rounded = (value) => (typeof value === "number" ? Number(value.toFixed(3)) : value);

// Rows whose null cells are suppressed figures, as the table shows them.
function released(columns, rows, headers, caption) {
  const hidden = rows.flatMap((row, r) => row.map((v, c) => (v === null ? { row: r, column: columns[c] } : null)).filter(Boolean));
  return table({ columns, headers, rows: rows.map((row) => row.map(rounded)), suppressed: hidden }, caption);
}

// A model's report.json as the page reads it: metrics beside the baseline's, calibration, the population, the features
// it leans on, and what the disclosure checks said.
function modelReport(report) {
  const binary = report.metrics !== null;
  const [model, baseline] = binary ? [report.metrics, report.baseline] : [report.regression, report.regressionBaseline];
  const metrics = binary
    ? [["aucRoc", "AUC-ROC"], ["aucPr", "AUC-PR"], ["brier", "Brier"], ["logLoss", "log loss"], ["calibrationSlope", t("report.slope")], ["calibrationIntercept", t("report.intercept")]]
    : [["rSquared", "R²"], ["rmse", "RMSE"], ["mae", "MAE"], ["meanObserved", t("report.meanObserved")]];
  const p = report.population;
  const checks = [t("report.membership", report.membershipInference),
    report.disclosure.restricted ? t("report.restricted", report.disclosure.project) : t("report.public"),
    ...report.disclosure.rules, ...(report.disclosure.withheld ? [t("report.withheld", report.disclosure.withheld)] : []),
    ...(!binary && model.noise.rSquared > 0 ? [t("report.noise", model.noise)] : [])];
  return [
    text("h3", t("report.title", report)),
    ...released(["metric", "model", "baseline"], metrics.map(([name, words]) => [words, model[name], baseline ? baseline[name] : ""]), t("report.metricColumns"), t("report.metrics")),
    ...released(["bin", "count", "predicted", "observed"],
      model.calibration.map((b) => [b.bin, b.count, b.meanPredicted, binary ? b.observedRate : b.meanObserved]), t("report.calibrationColumns"), t("report.calibration")),
    ...released(["cohort", "members", "outcomes", "train", "test", "testOutcomes"], [[p.cohort, p.members, p.outcomes, p.train, p.test, p.testOutcomes]],
      t("report.populationColumns"), t("report.population")),
    ...released(["feature", "drop"], report.features.importance.slice(0, 10).map((f) => [f.feature, f.drop]), t("report.featureColumns"), t("report.features")),
    text("h4", t("report.checks")),
    ...checks.map((check) => text("p", check, "rules")),
  ];
}

$("dashboard").addEventListener("click", () =>
  Promise.all([api("GET", "/api/dashboards/costs"), api("GET", "/api/dashboards/costs.png")]).then(([d, chart]) => {
    const image = document.createElement("img");
    image.src = URL.createObjectURL(chart);
    image.alt = t("monthlyCost");
    const parts = [image];
    for (const [name, part] of Object.entries(d)) {
      if (part && part.rows) {
        const title = t("costParts")[name] || name;
        parts.push(text("h3", title), ...table(part, title));
      }
      else if (typeof part === "string") parts.push(text("p", part, "rules"));
    }
    show("dashboard-out", parts);
  }).catch(problem("dashboard-out")));

// The indicators' catalogue, in the page's language, fills the select once a key is known (again on a change of
// language, keeping the indicator chosen); a view shows its chart, its table and a CSV link.
async function indicators() {
  if (!key) return;
  try {
    const list = await api("GET", `/api/dashboards/indicators?lang=${lang}`);
    const select = $("indicator-id");
    const chosen = select.value;
    select.replaceChildren(...list.map((i) => { const o = text("option", i.title); o.value = i.id; return o; }));
    if (list.some((i) => i.id === chosen)) select.value = chosen;
  } catch { /* the select keeps its default until a key works */ }
}

$("indicator").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const query = new URLSearchParams({ dataset: form.dataset.value, lang });
  for (const name of ["from", "to", "prefecture", "sex", "ageBand", "insurerKind", "claimKind"])
    if (form[name].value.trim()) query.set(name, form[name].value.trim());
  const path = `/api/dashboards/indicators/${form.id.value}?${query}`;
  try {
    const view = await api("GET", path);
    const chart = view.indicator.standardised || form.chart.value === "value" ? form.chart.value : "value";
    const image = document.createElement("img");
    // A pyramid (age band × sex) or a trend (months) is not drawn by prefecture, so it has no map; a view without a
    // breakdown has no categories, and is drawn as bars.
    const byPrefecture = !["age_band,sex", "month"].includes(view.indicator.breakdown.join(","));
    const drawn = form.layout.value === "categories" && view.indicator.breakdown.length === 0 ? "bars" : form.layout.value;
    const layout = byPrefecture ? `&layout=${drawn}` : "";
    image.src = URL.createObjectURL(await api("GET", `${path}&format=png&chart=${chart}${layout}`));
    image.alt = t("chartOf", view.indicator.title);
    const csv = downloadLink(await api("GET", `${path}&format=csv`), `${view.indicator.id}.csv`);
    const columns = ["prefecture", "category", "value", "numerator", "denominator", "patients", "adjusted", "index"];
    const hidden = [];
    const rows = view.rows.map((r, i) => {
      if (r.suppressed) for (const c of ["value", "numerator", "patients"]) hidden.push({ row: i, column: c });
      return [r.prefectureName, r.categoryNames.join(" "), r.value, r.numerator, r.denominator, r.patients, r.adjusted, r.index];
    });
    show("indicator-out", [text("p", `${view.indicator.description} (${view.indicator.unit}; ${view.indicator.source})`, "rules"),
      image, csv, ...table({ columns, headers: t("indicatorColumns"), rows, suppressed: hidden, rules: view.rules }, view.indicator.title)]);
  } catch (error) { problem("indicator-out")(error); }
});

$("new-user").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  api("POST", "/api/users", { name: form.name.value, role: form.role.value })
    .then((u) => show("admin-out", text("div", t("newKey", form.name.value, u.role, u.apiKey))))
    .catch(problem("admin-out"));
});

$("users").addEventListener("click", () =>
  api("GET", "/api/users").then((u) => show("admin-out", table({ rows: u }, t("caption.users")))).catch(problem("admin-out")));

// Projects with their decision buttons: approve until the days given from now, or reject (which also withdraws an approval).
async function decisions() {
  const projects = await api("GET", "/api/projects");
  const list = document.createElement("ul");
  for (const p of projects) {
    const item = text("li", `${p.id} · ${p.title} · ${p.status} · ${readable(p.datasets)}${p.tables ? ` · ${readable(p.tables)}` : ""}${p.period ? ` · ${readable(p.period)}` : ""} `);
    for (const action of ["approve", "reject"]) {
      const button = text("button", t(action));
      button.type = "button";
      button.dataset.action = action;
      button.setAttribute("aria-label", `${t(action)}: ${p.title}`);
      button.addEventListener("click", async () => {
        const body = action === "approve" ? { expiresAt: new Date(Date.now() + Number($("approve-days").value) * 86400000).toISOString() } : {};
        try { await api("POST", `/api/projects/${p.id}/${action}`, body); await decisions(); }
        catch (error) { problem("admin-out")(error); }
      });
      item.appendChild(button);
    }
    list.appendChild(item);
  }
  show("admin-out", projects.length ? list : text("div", t("noProjects")));
}

$("pending").addEventListener("click", () => decisions().catch(problem("admin-out")));

$("verify").addEventListener("click", () =>
  api("GET", "/api/audit/verify").then((v) => show("admin-out", text("div", v.ok ? t("auditOk", v.entries) : t("auditTampered", v.problem))))
    .catch(problem("admin-out")));

// A change of language rewrites the page's words and asks again for what the service names in a language (the
// indicators' titles); the inputs, the key and results already shown stay as they are.
function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll("[data-lang]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
  nameFilters();
  showWho();
}

document.querySelectorAll("[data-lang]").forEach((button) => button.addEventListener("click", () => {
  if (button.dataset.lang === lang) return;
  lang = button.dataset.lang;
  localStorage.setItem("claims.lang", lang);
  // The address follows, so that a reload or a copied link keeps the language.
  const address = new URL(location.href);
  address.searchParams.set("lang", lang);
  history.replaceState(null, "", address);
  applyLanguage();
  indicators();
  tables();
}));

applyLanguage();
whoami();
