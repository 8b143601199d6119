# bash completion for dotlog and dotlog-dump.
#
# Subcommands and options are read from the tools' own --help, so they
# cannot drift from it; keys come from `dotlog ls` of the store the command
# line names (--dir, else $DOTLOG_DIR, else the default store).

# Prints the names listed in section $2 ("Subcommands" or "Options") of the
# help text $1, one per line.
_dotlog_help_names() {
  awk -v section="$2:" '
    $0 == section { on = 1; next }
    on && /^$/ { exit }
    on && /^  [^ ]/ {
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) print names[i]
    }' <<<"$1"
}

# Sets COMPREPLY to the words of $1 (one per line) that start with $2.
_dotlog_reply() {
  local word
  COMPREPLY=()
  while IFS= read -r word; do
    [[ -n $word && $word == "$2"* ]] && COMPREPLY+=("$word")
  done <<<"$1"
}

_dotlog() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local prog=${COMP_WORDS[0]} sub="" i word
  local -a dir=()
  # The subcommand and the --dir given so far.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --dir) dir=(--dir "${COMP_WORDS[i + 1]}"); ((i++)) ;;
      --dir=*) dir=("$word") ;;
      --sync | --ttl | --format | --template | --default | --prefix | -n) ((i++)) ;;
      -*) ;;
      *) [[ -z $sub && $prog != *dotlog-dump ]] && sub=$word ;;
    esac
  done
  # Values of options.
  case $prev in
    --dir)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return ;;
    --sync)
      _dotlog_reply $'always\nnone' "$cur"
      return ;;
    --format)
      local help
      help=$("$prog" ${sub:+"$sub"} --help 2>/dev/null)
      _dotlog_reply "$(grep -o -- '--format TEXT:{[^}]*}' <<<"$help" |
        sed 's/.*{//; s/}//; s/,/\n/g')" "$cur"
      return ;;
    --ttl | --template | --default | --prefix | -n)
      return ;;
  esac
  if [[ $cur == -* ]]; then
    _dotlog_reply "$(_dotlog_help_names "$("$prog" ${sub:+"$sub"} --help 2>/dev/null)" Options)" "$cur"
  elif [[ -z $sub && $prog != *dotlog-dump ]]; then
    _dotlog_reply "$(_dotlog_help_names "$("$prog" --help 2>/dev/null)" Subcommands)" "$cur"
  elif [[ -n $sub && $sub != load ]]; then
    # Keys of the store that start with what is typed, quoted for the shell.
    local keys
    keys=$("$prog" "${dir[@]}" ls -- "$cur" 2>/dev/null)
    COMPREPLY=()
    while IFS= read -r word; do
      [[ -n $word ]] && COMPREPLY+=("$(printf '%q' "$word")")
    done <<<"$keys"
  elif [[ $sub == load ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}

complete -F _dotlog dotlog dotlog-dump
