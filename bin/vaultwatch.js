#!/usr/bin/env node
// The `vaultwatch` command, from the build (`npm run build` writes dist/).
require("../dist/tools/cli/main.js").run();
