# hydria tab completion for fish, from `python app.py -sc install=fish | source`.
# Each Tab runs hydria's completion engine, which reads the app's script and config
# tree without importing the app: `@PYTHON@ -m hydria complete`.

# The module of `python -m MODULE ...`, once MODULE is typed.
function __hydria_module
    set -l tokens (commandline -cpo)
    string match -q -- 'python*' (basename -- $tokens[1]); or return 1
    test (count $tokens) -ge 3; and test "$tokens[2]" = -m; or return 1
    echo $tokens[3]
end

# The app's script: $argv[1] for a command that does not name it (an installed entry
# point), else the command (`./app.py`) or what follows python (`python app.py`).
function __hydria_script
    if test -n "$argv[1]"
        echo $argv[1]
        return
    end
    set -l tokens (commandline -cpo)
    switch (basename -- $tokens[1])
        case 'python*'
            # python SCRIPT ...: not while SCRIPT is typed, nor for python -m / -c
            test (count $tokens) -ge 2; or return 1
            string match -q -- '-*' $tokens[2]; and return 1
            echo $tokens[2]
        case '*'
            if string match -q -- '*/*' $tokens[1]
                echo $tokens[1]
            else
                command -s -- $tokens[1]; or echo $tokens[1]
            end
    end
end

function __hydria_is_app
    test -z "$argv[1]"; and __hydria_module >/dev/null; and return
    set -l script (__hydria_script $argv); and test -f "$script"
end

function __hydria_complete
    set -l app
    if test -z "$argv[1]"; and set -l module (__hydria_module)
        set app --module $module
    else
        set -l script (__hydria_script $argv); or return
        test -f "$script"; or return
        set app --script $script
    end
    # fish adds no space after a candidate ending in = . or / (fish >= 3.1.2)
    if test "$HYDRIA_COMPLETION_DEBUG" = 1
        @PYTHON@ -m hydria complete $app --cwd $PWD --line (commandline -cp)
    else
        @PYTHON@ -m hydria complete $app --cwd $PWD --line (commandline -cp) 2>/dev/null
    end
end
