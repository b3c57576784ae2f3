# hydria tab completion for bash, from `eval "$(python app.py -sc install=bash)"`.
# Each Tab runs hydria's completion engine, which reads the app's script and config
# tree without importing the app: `@PYTHON@ -m hydria complete`.

# $1: the app's script, for a command that does not name it (an installed entry point);
# empty: the script is the command (`./app.py`) or what follows python (`python app.py`,
# or the module of `python -m pkg.app`).
_hydria_complete_with() {
    local line=${COMP_LINE:0:COMP_POINT} script=$1 word= module=
    local -a words candidates
    read -r -a words <<< "$line"
    # the word being completed: whitespace-delimited, as the engine splits the line
    [[ $line =~ [[:space:]]$ ]] || word=${words[${#words[@]}-1]}
    if [[ -z $script ]]; then
        case ${words[0]##*/} in
            python | python[0-9]*)
                if [[ ${words[1]} == -m ]]; then
                    # python -m MODULE ...: not while MODULE is typed
                    (( ${#words[@]} > 3 )) || [[ ${#words[@]} == 3 && -z $word ]] || return 1
                    module=${words[2]}
                else
                    # python SCRIPT ...: not while SCRIPT is typed, nor for python -c
                    (( ${#words[@]} > 2 )) || [[ ${#words[@]} == 2 && -z $word ]] || return 1
                    script=${words[1]}
                    [[ $script != -* ]] || return 1
                fi
                ;;
            *)
                script=${words[0]}
                [[ $script == */* ]] || script=$(type -P -- "$script") || return 1
                ;;
        esac
    fi
    local -a engine=(@PYTHON@ -m hydria complete --cwd "$PWD" --line "$line")
    if [[ -n $module ]]; then
        engine+=(--module "$module")
    else
        [[ -f $script ]] || return 1
        engine+=(--script "$script")
    fi
    if [[ ${HYDRIA_COMPLETION_DEBUG-} == 1 ]]; then
        mapfile -t candidates < <("${engine[@]}")
    else
        mapfile -t candidates < <("${engine[@]}" 2>/dev/null)
    fi
    # Readline replaces only what follows the last COMP_WORDBREAKS character (`=`, `:`):
    # give it each candidate without the part of the word before that character. In a
    # word that opens with a quote there is no such break: it is replaced whole, and
    # readline closes the quote. The engine unquotes the word ('~db → ~db): so does
    # `bare`, roughly.
    local tail=${word##*["$COMP_WORDBREAKS"]} bare=${word//[\'\"\\]/} escape=
    [[ $word == [\'\"]* ]] && tail=$bare
    # a `\~` typed stays escaped (a `~` bash would expand if a user had that name)
    [[ $word == '\~'* ]] && escape='\'
    local cut=$(( ${#bare} - ${#tail} )) candidate
    (( cut >= 0 )) || cut=0
    COMPREPLY=()
    for candidate in "${candidates[@]}"; do
        [[ -n $candidate && $candidate == "${bare:0:cut}"* ]] || continue
        COMPREPLY+=("$escape${candidate:cut}")
    done
    # One candidate is inserted: no space after one that needs more typing (db. db= conf/).
    # With several, readline inserts their common prefix, and never a space.
    if (( ${#COMPREPLY[@]} == 1 )) && [[ ${COMPREPLY[0]} == *[=./] ]]; then
        compopt -o nospace
    fi
    return 0
}

_hydria_complete() {
    _hydria_complete_with ""
}
