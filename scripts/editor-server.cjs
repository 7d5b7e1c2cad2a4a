// The web editor's local backend (`make editor`): decap-server's file-system API behind a guard.
// Started by scripts/editor.py, which makes the command (settings below) in one place.
//
// decap-server's own entry (dist/index.js) listens on every interface, answers any Host and
// writes anywhere in the repository, mkdocs.yml and kb_build/ included, which `mkdocs serve` then
// runs. Here its API (dist/middlewares, the part meant for embedding) is mounted after a guard:
//   - the server listens on 127.0.0.1 only;
//   - Host must name this machine on this port (a DNS-rebound page sends its own host name);
//   - Origin, when a browser sends one, must be the local site serving /admin/;
//   - only the actions of the file-system API are let through, and every path one names must
//     lie, after resolving symbolic links, under one of the --folder folders of the project.
// A refusal is answered 403 with a message in Chinese naming the path or header, and logged.
"use strict";

const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");

// The express decap-server itself uses (pinned with it in package-lock.json).
const decapDir = path.dirname(require.resolve("decap-server/package.json"));
const express = require(require.resolve("express", { paths: [decapDir] }));
const { registerLocalFs } = require("decap-server/dist/middlewares");

const LOOPBACK = "127.0.0.1";

class Refusal extends Error {}

function list(value, name) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Refusal(`参数 ${name} 应当是列表`);
  return value;
}

// Every path each action of decap's file-system API reads, writes, moves or deletes.
const PATHS_OF = {
  info: () => [],
  getDeployPreview: () => [],
  entriesByFolder: (params) => [params.folder],
  entriesByFiles: (params) => list(params.files, "files").map((file) => file?.path),
  getEntry: (params) => [params.path],
  getMedia: (params) => [params.mediaFolder],
  getMediaFile: (params) => [params.path],
  // decap writes each data file (entry alone when dataFiles is absent), moves it to newPath
  // with the files beside it, and writes the assets.
  persistEntry: (params) => [
    ...(params.dataFiles === undefined ? [params.entry] : list(params.dataFiles, "dataFiles")).flatMap((file) =>
      file?.newPath === undefined ? [file?.path] : [file?.path, file.newPath]),
    ...list(params.assets, "assets").map((asset) => asset?.path),
  ],
  persistMedia: (params) => [params.asset?.path],
  deleteFile: (params) => [params.path],
  deleteFiles: (params) => list(params.paths, "paths"),
};

// Where `absolute` really leads: the real path of its longest existing part, the rest appended.
function realTarget(absolute) {
  const missing = [];
  let existing = absolute;
  for (;;) {
    try {
      fs.lstatSync(existing);
      break;
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
  return path.join(fs.realpathSync(existing), ...missing);
}

function isWithin(target, folder) {
  const relative = path.relative(folder, target);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function checkPath(value, project, folders) {
  if (typeof value !== "string" || value === "") throw new Refusal(`不是文件路径：${JSON.stringify(value)}`);
  if (/[\\%\u0000-\u001f\u007f-\u009f]/.test(value)) throw new Refusal(`路径“${value}”含反斜杠、百分号或控制字符`);
  if (path.posix.isAbsolute(value)) throw new Refusal(`路径“${value}”是绝对路径，只接受项目里的相对路径`);
  if (value.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new Refusal(`路径“${value}”含“..”“.”或空的一段`);
  }
  const named = folders.map((folder) => `${folder}/`).join("、");
  if (!folders.some((folder) => value === folder || value.startsWith(`${folder}/`))) {
    throw new Refusal(`路径“${value}”不在可编辑的文件夹（${named}）之下`);
  }
  let target;
  try {
    target = realTarget(path.join(project, value));
  } catch (error) {
    throw new Refusal(`路径“${value}”无法解析（${error.code}），可能是指向不存在之处的符号链接`);
  }
  if (!folders.some((folder) => isWithin(target, realTarget(path.join(project, folder))))) {
    throw new Refusal(`路径“${value}”经符号链接指向 ${target}，不在可编辑的文件夹（${named}）之下`);
  }
}

// Control and direction characters of a request, shown as \u escapes: the log goes to the editor's terminal.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g;

function printable(text) {
  return String(text).replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function refuse(request, response, status, reason) {
  console.warn(printable(`[editor-guard] 拒绝 ${request.method} ${request.originalUrl}（Host: ${request.headers.host}）：${reason}`));
  response.status(status).json({ error: `本机编辑器拒绝了这个请求：${printable(reason)}` });
}

// Mounted before decap's own middleware on the same app (a Router of its own would answer
// a CORS preflight itself, before decap's cors middleware could).
function mountGuard(app, { project, port, origins, folders }) {
  const hosts = new Set([`localhost:${port}`, `${LOOPBACK}:${port}`, `[::1]:${port}`]);
  app.use((request, response, next) => {
    const host = String(request.headers.host ?? "").toLowerCase();
    if (!hosts.has(host)) {
      return refuse(request, response, 403, `Host“${host}”不是本机地址，只接受 ${[...hosts].join("、")}`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.includes(origin)) {
      return refuse(request, response, 403, `来源（Origin）“${origin}”不是本机的网站，只接受 ${origins.join("、")}`);
    }
    next();
  });
  app.post("/api/v1", express.json({ limit: "50mb" }), (request, response, next) => {
    const { action, params } = request.body ?? {};
    if (!Object.hasOwn(PATHS_OF, action)) {
      return refuse(request, response, 403, `不认识的操作“${action}”`);
    }
    try {
      const paths = PATHS_OF[action](params !== null && typeof params === "object" ? params : {});
      paths.forEach((value) => checkPath(value, project, folders));
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return refuse(request, response, 403, `${action}：${error.message}`);
    }
    next();
  });
  app.use((error, request, response, next) => {
    if (error.type === undefined) return next(error); // not one of the JSON parser's own
    refuse(request, response, 400, `请求正文不是 50 MB 以内、UTF-8 编码的 JSON（${error.type}）`);
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      project: { type: "string" },
      port: { type: "string" },
      origin: { type: "string", multiple: true },
      folder: { type: "string", multiple: true },
    },
  });
  const project = fs.realpathSync(values.project);
  const port = Number(values.port);
  const folders = values.folder;
  const app = express();
  app.disable("x-powered-by");
  mountGuard(app, { project, port, origins: values.origin, folders });
  process.env.GIT_REPO_DIRECTORY = project; // where decap's file-system API reads and writes
  await registerLocalFs(app, { logLevel: "info" });
  const server = app.listen(port, LOOPBACK, () => {
    console.log(`在线编辑器的本机后端：http://localhost:${port}/api/v1 ，只在 ${LOOPBACK} 上监听，可写 ${folders.map((folder) => `${folder}/`).join("、")}`);
  });
  server.on("error", (error) => {
    console.error(`在线编辑器的本机后端无法在 ${LOOPBACK}:${port} 上监听：${error.message}`);
    process.exit(1);
  });
}

main();
