# hydria tab completion for zsh, from `eval "$(python app.py -sc install=zsh)"`.
# Each Tab runs hydria's completion engine, which reads the app's script and config
# tree without importing the app: `@PYTHON@ -m hydria complete`.

# compdef is compsys's: load it in a shell whose rc files did not (`zsh -f`).
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }

# $1: the app's script, for a command that does not name it (an installed entry point);
# empty: the script is the command (`./app.py`) or what follows python (`python app.py`,
# or the module of `python -m pkg.app`).
_hydria_complete_with() {
    local script=$1 module= line="${(j: :)words[1,CURRENT-1]} $IPREFIX$PREFIX"
    if [[ -z $script ]]; then
        case ${words[1]:t} in
            python | python[0-9]*)
                if [[ $words[2] == -m ]] && (( CURRENT > 3 )); then
                    module=${(Q)words[3]}  # python -m MODULE ...: once MODULE is typed
                elif (( CURRENT < 3 )) || [[ $words[2] == -* ]]; then
                    # python SCRIPT ...: not while SCRIPT is typed, nor for python -c
                    _default
                    return
                else
                    script=${(Q)words[2]}
                fi
                ;;
            *)
                script=${(Q)words[1]}
                [[ $script == */* ]] || script=${commands[$script]:-$script}
                ;;
        esac
    fi
    local -a engine candidates spaced unspaced
    engine=(@PYTHON@ -m hydria complete --cwd $PWD --line $line)
    if [[ -n $module ]]; then
        engine+=(--module $module)
    elif [[ -f $script ]]; then
        engine+=(--script $script)
    else
        _default
        return
    fi
    if [[ ${HYDRIA_COMPLETION_DEBUG-} == 1 ]]; then
        candidates=("${(@f)$($engine)}")
    else
        candidates=("${(@f)$($engine 2>/dev/null)}")
    fi
    # A deletion `~db` is a tilde word: zsh holds its `~` apart (IPREFIX) and would put
    # it back as typed, unquoted, so the line would expand it as a user's home when it
    # runs. Put back quoted instead, it reaches the app as `~db`.
    if [[ $compstate[context] == tilde && $IPREFIX == '~' ]]; then
        IPREFIX='\~'
        candidates=(${candidates#'~'})
    fi
    local candidate
    for candidate in $candidates; do
        # no space after a candidate that needs more typing: db. db= conf/
        if [[ $candidate == *[=./] ]]; then
            unspaced+=($candidate)
        else
            spaced+=($candidate)
        fi
    done
    local found=1
    (( $#unspaced )) && compadd -S '' -- $unspaced && found=0
    (( $#spaced )) && compadd -- $spaced && found=0
    (( found == 0 )) || _default
}

_hydria_complete() {
    _hydria_complete_with ""
}

# `~db` (a deletion) is a tilde word, which zsh completes as a user or named directory
# (the -tilde- context) without asking the command's completer: ask it for hydria apps.
_hydria_tilde() {
    local completer=${_comps[$words[1]]:-${_comps[${words[1]:t}]-}}
    if [[ $completer == _hydria_complete* ]]; then
        $completer
    else
        ${_hydria_tilde_fallback:-_tilde}
    fi
}
