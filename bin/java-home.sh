# Finds a Java installation of at least a given feature version. Sourced by bin/spfgate (which
# needs a runtime) and bin/with-jdk21 (which needs a compiler too).
#
#   find_java_home MIN [javac]   prints the installation's home, or nothing (status 1)
#   java_major JAVA              prints the feature version of a java binary (21, 25, ...), or 0
#
# Order: $JAVA_HOME, then the `java` on PATH, then the newest installation under
# $JDK_SEARCH_DIRS (default: /usr/lib/jvm /opt/java /usr/local/lib/jvm). Many distributions
# still default to Java 17, which cannot run spfgate (class file version 65 needs 21).

java_major() {
  local java=$1 home v=""
  home=$(dirname "$(dirname "$java")")
  # The installation's release file answers without starting a JVM.
  if [[ -r "$home/release" ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$v" ]]; then
    v=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}') || true
  fi
  v=${v#1.}       # "1.8.0_402" is Java 8
  v=${v%%[.+_-]*} # "21.0.5" -> 21
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

find_java_home() {
  local min=$1 need_javac=${2:-} home best=0 pick="" m
  usable() { [[ -x "$1/bin/java" ]] && { [[ -z "$need_javac" ]] || [[ -x "$1/bin/javac" ]]; }; }
  if [[ -n "${JAVA_HOME:-}" ]] && usable "$JAVA_HOME" && (( $(java_major "$JAVA_HOME/bin/java") >= min )); then
    echo "$JAVA_HOME"; return 0
  fi
  if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if usable "$home" && (( $(java_major "$home/bin/java") >= min )); then
      echo "$home"; return 0
    fi
  fi
  for dir in ${JDK_SEARCH_DIRS:-/usr/lib/jvm /opt/java /usr/local/lib/jvm}; do
    for home in "$dir"/*/; do
      home=${home%/}
      usable "$home" || continue
      m=$(java_major "$home/bin/java")
      if (( m >= min && m > best )); then best=$m; pick=$home; fi
    done
  done
  [[ -n "$pick" ]] && echo "$pick"
}
