#!/bin/sh
# Copies the web UI's two third-party modules, the Markdown parser (marked) and the HTML sanitiser
# (DOMPurify), from npm into ui-static/src/main/resources/ui/vendor/, with their licences. The UI has
# no build step and loads nothing from a CDN, so the copies are committed; this script is how they are
# made, and tests/vendor.test.js fails when they differ from the versions pinned in package.json.
#
# To move to other versions:
#   cd ui-tests && npm install --save-dev --save-exact marked@<version> dompurify@<version> && ./vendor.sh
# then run the tests and commit package.json, package-lock.json and the vendor/ folder together.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../ui-static/src/main/resources/ui/vendor"
modules="$here/node_modules"

if [ ! -f "$modules/marked/package.json" ] || [ ! -f "$modules/dompurify/package.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

version() {
  node -p "require('$modules/$1/package.json').version"
}

rm -rf "$vendor"
mkdir -p "$vendor/marked" "$vendor/dompurify"

# The ES-module builds, byte for byte (with their source maps, which the files name at their end).
cp "$modules/marked/lib/marked.esm.js" "$modules/marked/lib/marked.esm.js.map" "$modules/marked/LICENSE" "$vendor/marked/"
# Served as .js: browsers load module scripts only with a JavaScript media type, which .mjs may not get.
cp "$modules/dompurify/dist/purify.es.mjs" "$vendor/dompurify/purify.es.js"
cp "$modules/dompurify/dist/purify.es.mjs.map" "$modules/dompurify/LICENSE" "$modules/dompurify/LICENSE-MPL" "$vendor/dompurify/"

cat > "$vendor/README.md" <<EOF
# Vendored modules

Made by \`ui-tests/vendor.sh\` from the versions pinned in \`ui-tests/package.json\`; do not edit by hand.

| module | version | from npm | licence |
|---|---|---|---|
| \`marked/marked.esm.js\` | $(version marked) | \`marked/lib/marked.esm.js\` | MIT (\`marked/LICENSE\`) |
| \`dompurify/purify.es.js\` | $(version dompurify) | \`dompurify/dist/purify.es.mjs\` | Apache-2.0 or MPL-2.0, at the user's choice (\`dompurify/LICENSE\`, \`dompurify/LICENSE-MPL\`); we use it under Apache-2.0 |

\`js/markdown.js\` is their only user: it renders model descriptions with marked (GitHub-flavoured Markdown,
tables included) and sanitises the result with DOMPurify.
EOF

echo "vendored marked $(version marked) and dompurify $(version dompurify) into $vendor"
