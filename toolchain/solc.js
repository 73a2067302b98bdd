#!/usr/bin/env node
// A solc-compatible command-line launcher over solc-js (the official wasm build of the compiler).
//
// py-solc-x, ape-solidity, slither (crytic-compile) and forge all drive a native `solc` binary. None
// is published in the registries this project may use, so this script answers the parts of solc's
// command line those tools use, with the same compiler:
//
//   solc --version
//   solc --standard-json [input.json] [--base-path P] [--include-path P]... [--allow-paths A,B]
//   solc --combined-json abi,bin,... [options] file.sol... [prefix=target]...
//
// Imports are resolved the way native solc's file reader does: under the base path (default: the
// working directory), then each include path; as a last resort under node_modules (from the base
// path and from this project), so `@openzeppelin/contracts/...` resolves without a remapping.
// Files outside the base, include, allowed and node_modules folders are refused.
//
// Invoked as `solc-vX.Y.Z` (how py-solc-x names binaries), it serves that version: the npm package
// `solc` if it is that version, else an npm alias `solc-X.Y.Z` (e.g. "solc-0.8.29": "npm:solc@0.8.29").
//
// Output goes out with blocking writes and the process ends on its own: calling process.exit()
// right after a large write to a pipe truncates it at 64 KiB.
'use strict';

const fs = require('fs');
const path = require('path');

const PROJECT_ROOT = path.resolve(__dirname, '..');
const USAGE = `solc (solc-js launcher)
Usage:
  solc --version
  solc --standard-json [input.json] [--base-path P] [--include-path P]... [--allow-paths A,B]
  solc --combined-json abi,bin,... [--optimize] [--optimize-runs N] [--evm-version V] [--via-ir]
       [--base-path P] [--include-path P]... [--allow-paths A,B] file.sol... [prefix=target]...`;

/** A problem with how the launcher was invoked; `showUsage` adds the usage text to the message. */
class UsageError extends Error {
  constructor(message, { showUsage = true } = {}) {
    super(message);
    this.showUsage = showUsage;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Write all of `text` to a file descriptor, blocking, retrying while a non-blocking pipe is full. */
function writeAll(fd, text) {
  const buf = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += fs.writeSync(fd, buf, offset, buf.length - offset);
    } catch (err) {
      if (err.code === 'EAGAIN') {
        sleepMs(1);
        continue;
      }
      if (err.code === 'EPIPE') return; // the reader went away; nothing left to tell it
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Compiler selection

function requestedVersion(argv0) {
  const m = /^solc-v(\d+\.\d+\.\d+)$/.exec(path.basename(argv0));
  return m ? m[1] : null;
}

function loadCompiler(wanted) {
  const candidates = wanted ? [`solc-${wanted}`, 'solc'] : ['solc'];
  const seen = [];
  for (const name of candidates) {
    let solc;
    try {
      solc = require(require.resolve(name, { paths: [PROJECT_ROOT, process.cwd()] }));
    } catch (err) {
      if (err.code === 'MODULE_NOT_FOUND') continue;
      throw err;
    }
    const version = solc.version();
    if (!wanted || version.startsWith(`${wanted}+`)) return solc;
    seen.push(`${name} is ${version}`);
  }
  const found = seen.length ? ` (${seen.join('; ')})` : ' (no solc package installed: run npm ci)';
  throw new UsageError(
    `solc ${wanted || ''} is not installed in node_modules${found}.` +
      (wanted ? ` Add "solc-${wanted}": "npm:solc@${wanted}" to package.json to serve it.` : ''),
    { showUsage: false }
  );
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

const VALUE_OPTIONS = new Set([
  '--base-path', '--include-path', '--allow-paths', '--combined-json', '--optimize-runs',
  '--evm-version', '--output-dir', '--metadata-hash',
]);
const FLAG_OPTIONS = new Set([
  '--version', '--help', '--standard-json', '--optimize', '--via-ir', '--overwrite',
  '--no-color', '--pretty-json', '--metadata-literal',
]);

function parseArgs(args) {
  const opts = { includePaths: [], allowPaths: [], files: [], remappings: [], flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=')) {
      [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    }
    if (VALUE_OPTIONS.has(arg)) {
      if (value === undefined) {
        if (i + 1 >= args.length) throw new UsageError(`option '${arg}' needs a value`);
        value = args[++i];
      }
      switch (arg) {
        case '--base-path': opts.basePath = value; break;
        case '--include-path': opts.includePaths.push(value); break;
        case '--allow-paths':
          opts.allowPaths.push(...value.split(',').filter(Boolean));
          break;
        case '--combined-json': opts.combinedJson = value.split(',').filter(Boolean); break;
        case '--optimize-runs': opts.optimizeRuns = Number(value); break;
        case '--evm-version': opts.evmVersion = value; break;
        case '--metadata-hash': opts.metadataHash = value; break;
        case '--output-dir': opts.outputDir = value; break;
      }
    } else if (FLAG_OPTIONS.has(arg)) {
      opts.flags.add(arg);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unrecognised option '${arg}'`);
    } else if (arg.includes('=') && !fs.existsSync(arg)) {
      opts.remappings.push(arg);
    } else {
      opts.files.push(arg);
    }
  }
  if (opts.outputDir) throw new UsageError("unrecognised option '--output-dir' (print to stdout instead)");
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Import resolution (native solc's file reader, plus node_modules)

function realOrResolved(p) {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isWithin(file, dir) {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function makeImportResolver(opts) {
  const base = path.resolve(opts.basePath || '.');
  const roots = [base, ...opts.includePaths.map((p) => path.resolve(p))];
  const nodeModules = [...new Set([base, process.cwd(), PROJECT_ROOT].map((d) => path.join(d, 'node_modules')))];
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p)), ...nodeModules]
    .map(realOrResolved);

  return function findImport(unitName) {
    const candidates = path.isAbsolute(unitName)
      ? [unitName]
      : [...roots, ...nodeModules].map((root) => path.join(root, unitName));
    for (const candidate of candidates) {
      if (!fs.existsSync(candidate) || !fs.statSync(candidate).isFile()) continue;
      const real = realOrResolved(candidate);
      if (!allowed.some((dir) => isWithin(real, dir))) {
        return { error: `File outside of allowed directories: ${unitName} (resolved to ${real})` };
      }
      return { contents: fs.readFileSync(candidate, 'utf8') };
    }
    return { error: `File not found. Searched the base path, include paths and node_modules for: ${unitName}` };
  };
}

// ---------------------------------------------------------------------------------------------
// Modes

function standardJson(solc, opts) {
  if (opts.files.length > 1) throw new UsageError('--standard-json takes at most one input file');
  const inputPath = opts.files[0] && opts.files[0] !== '-' ? opts.files[0] : 0; // 0 = stdin
  const input = fs.readFileSync(inputPath, 'utf8');
  try {
    JSON.parse(input);
  } catch (err) {
    // Native solc answers malformed input with a JSON error object and exit code 0; so do we.
    return JSON.stringify({
      errors: [{
        component: 'general', type: 'JSONError', severity: 'error',
        message: `Input is not valid JSON: ${err.message}`,
        formattedMessage: `JSONError: Input is not valid JSON: ${err.message}`,
      }],
    });
  }
  return solc.compile(input, { import: makeImportResolver(opts) });
}

// combined-json request name -> how to read it from a standard-json contract output
const COMBINED_FIELDS = {
  abi: (c) => c.abi,
  metadata: (c) => c.metadata,
  bin: (c) => c.evm.bytecode.object,
  'bin-runtime': (c) => c.evm.deployedBytecode.object,
  srcmap: (c) => c.evm.bytecode.sourceMap,
  'srcmap-runtime': (c) => c.evm.deployedBytecode.sourceMap,
  opcodes: (c) => c.evm.bytecode.opcodes,
  asm: (c) => c.evm.legacyAssembly,
  hashes: (c) => c.evm.methodIdentifiers,
  userdoc: (c) => c.userdoc,
  devdoc: (c) => c.devdoc,
  'storage-layout': (c) => c.storageLayout,
  'function-debug': (c) => c.evm.bytecode.functionDebugData,
  'function-debug-runtime': (c) => c.evm.deployedBytecode.functionDebugData,
  'generated-sources': (c) => c.evm.bytecode.generatedSources,
  'generated-sources-runtime': (c) => c.evm.deployedBytecode.generatedSources,
};
// combined-json request name -> standard-json outputSelection entry
const SELECTION = {
  abi: 'abi', metadata: 'metadata', bin: 'evm.bytecode.object',
  'bin-runtime': 'evm.deployedBytecode.object', srcmap: 'evm.bytecode.sourceMap',
  'srcmap-runtime': 'evm.deployedBytecode.sourceMap', opcodes: 'evm.bytecode.opcodes',
  asm: 'evm.legacyAssembly', hashes: 'evm.methodIdentifiers', userdoc: 'userdoc', devdoc: 'devdoc',
  'storage-layout': 'storageLayout', 'function-debug': 'evm.bytecode.functionDebugData',
  'function-debug-runtime': 'evm.deployedBytecode.functionDebugData',
  'generated-sources': 'evm.bytecode.generatedSources',
  'generated-sources-runtime': 'evm.deployedBytecode.generatedSources',
};
const IGNORED_COMBINED = new Set(['compact-format', 'ast']); // ast is handled per source below

function combinedJson(solc, opts) {
  const requests = opts.combinedJson;
  for (const r of requests) {
    if (!(r in COMBINED_FIELDS) && !IGNORED_COMBINED.has(r)) {
      throw new UsageError(`Invalid option to --combined-json: ${r}`);
    }
  }
  if (opts.files.length === 0) throw new UsageError('--combined-json needs at least one source file');

  const base = path.resolve(opts.basePath || '.');
  const sources = {};
  for (const file of opts.files) {
    if (!fs.existsSync(file)) throw new UsageError(`"${file}" is not found.`, { showUsage: false });
    const abs = path.resolve(file);
    // Source unit names are relative to the base path when the file lies under it, as in native solc.
    const unit = isWithin(abs, base) ? path.relative(base, abs).split(path.sep).join('/') : abs;
    sources[unit] = { content: fs.readFileSync(file, 'utf8') };
  }
  const selection = requests.filter((r) => r in SELECTION).map((r) => SELECTION[r]);
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      remappings: opts.remappings,
      optimizer: { enabled: opts.flags.has('--optimize'), runs: opts.optimizeRuns || 200 },
      outputSelection: { '*': { '*': selection, '': requests.includes('ast') ? ['ast'] : [] } },
    },
  };
  if (opts.evmVersion) input.settings.evmVersion = opts.evmVersion;
  if (opts.flags.has('--via-ir')) input.settings.viaIR = true;
  if (opts.metadataHash) input.settings.metadata = { bytecodeHash: opts.metadataHash };

  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: makeImportResolver(opts) }));
  const errors = output.errors || [];
  for (const e of errors) process.stderr.write(`${e.formattedMessage || e.message}\n`);
  if (errors.some((e) => e.severity === 'error')) {
    process.exitCode = 1;
    return null;
  }

  const result = { contracts: {}, version: solc.version() };
  for (const [unit, contracts] of Object.entries(output.contracts || {})) {
    for (const [name, c] of Object.entries(contracts)) {
      const entry = {};
      for (const r of requests) if (r in COMBINED_FIELDS) entry[r] = COMBINED_FIELDS[r](c);
      result.contracts[`${unit}:${name}`] = entry;
    }
  }
  const byId = Object.entries(output.sources || {}).sort((a, b) => a[1].id - b[1].id);
  if (requests.some((r) => ['ast', 'srcmap', 'srcmap-runtime'].includes(r))) {
    result.sourceList = byId.map(([unit]) => unit);
  }
  if (requests.includes('ast')) {
    result.sources = {};
    for (const [unit, s] of byId) result.sources[unit] = { AST: s.ast, id: s.id };
  }
  return JSON.stringify(result);
}

// ---------------------------------------------------------------------------------------------

function main(argv) {
  const opts = parseArgs(argv.slice(2));
  if (opts.flags.has('--help')) {
    writeAll(1, `${USAGE}\n`);
    return;
  }
  const modes = ['--version', '--standard-json'].filter((f) => opts.flags.has(f));
  if (opts.combinedJson) modes.push('--combined-json');
  if (modes.length !== 1) {
    throw new UsageError(
      modes.length ? `choose one of ${modes.join(', ')}` : `nothing to do: give --version, --standard-json or --combined-json`
    );
  }

  const solc = loadCompiler(requestedVersion(argv[1]));
  let out;
  if (modes[0] === '--version') {
    out = `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}`;
  } else if (modes[0] === '--standard-json') {
    out = standardJson(solc, opts);
  } else {
    out = combinedJson(solc, opts);
  }
  if (out !== null) writeAll(1, `${out}\n`);
}

try {
  main(process.argv);
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  writeAll(2, `Error: ${err.message}\n${err.showUsage ? `\n${USAGE}\n` : ''}`);
  process.exitCode = 1;
}
