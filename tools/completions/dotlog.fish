# fish completion for dotlog and dotlog-dump.
#
# As in the bash completion: subcommands and options are read from the
# tools' own --help, so they cannot drift from it; keys come from `dotlog ls`
# of the store the command line names (--dir, else $DOTLOG_DIR, else the
# default store).

# Prints the names listed in section $argv[1] ("Subcommands" or "Options")
# of the help text given as the remaining arguments, one line each.
function __dotlog_help_names
    set -l section "$argv[1]:"
    set -l on 0
    for line in $argv[2..-1]
        if test "$line" = "$section"
            set on 1
        else if test $on = 1
            test -z "$line"; and break
            if string match -qr '^  [^ ]' -- $line
                string split , -- (string trim -- $line | string split -f1 ' ')
            end
        end
    end
end

# The candidates for the token under the cursor, one per line.
function __dotlog_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $tokens[1]
    set -l sub
    set -l dir
    set -l i 2
    # The subcommand and the --dir given so far.
    while test $i -le (count $tokens)
        set -l word $tokens[$i]
        switch $word
            case --dir
                set i (math $i + 1)
                set dir --dir $tokens[$i]
            case '--dir=*'
                set dir $word
            case --sync --ttl --format --template --default --prefix -n
                set i (math $i + 1)
            case '-*'
            case '*'
                if test -z "$sub"; and not string match -q '*dotlog-dump' -- $prog
                    set sub $word
                end
        end
        set i (math $i + 1)
    end
    # Values of options.
    switch $tokens[-1]
        case --dir
            __fish_complete_directories $cur
            return
        case --sync
            printf '%s\n' always none
            return
        case --format
            $prog $sub --help 2>/dev/null |
                string match -r -- '--format TEXT:\{[^}]*\}' |
                string replace -r '.*\{' '' | string replace '}' '' |
                string split ,
            return
        case --ttl --template --default --prefix -n
            return
    end
    if string match -q -- '-*' $cur
        __dotlog_help_names Options ($prog $sub --help 2>/dev/null)
    else if test -z "$sub"; and not string match -q '*dotlog-dump' -- $prog
        __dotlog_help_names Subcommands ($prog --help 2>/dev/null)
    else if test "$sub" = load
        __fish_complete_path $cur
    else
        $prog $dir ls -- $cur 2>/dev/null
    end
end

complete -c dotlog -f -a '(__dotlog_complete)'
complete -c dotlog-dump -f -a '(__dotlog_complete)'
