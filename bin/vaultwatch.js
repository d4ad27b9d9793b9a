#!/usr/bin/env node
// The `vaultwatch` command, from the build (`npm run build` writes dist/).
require("../dist/src/cli/main.js").run();
