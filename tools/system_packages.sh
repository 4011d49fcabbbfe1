#!/usr/bin/env bash
# Debian packages the Python environment builds against (python-ldap has no Linux wheel: it compiles against
# OpenLDAP and SASL headers), plus any named as arguments (make test: chromium for the browser journeys).
# Installed when missing, as root; otherwise say what to install.
set -euo pipefail
needed=(libldap2-dev libsasl2-dev gcc "$@")
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
