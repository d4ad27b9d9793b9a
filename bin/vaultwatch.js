#!/usr/bin/env node
// The `vaultwatch` command, from the tools build (`npm run build:tools` writes dist/tools).
require("../dist/tools/cli/main.js").run();
