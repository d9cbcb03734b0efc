# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_segflux_global_optspecs
    string join \n api-key= base-url= emulator timeout= json q/quiet v/verbose color= h/help V/version
end

function __fish_segflux_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_segflux_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_segflux_using_subcommand
    set -l cmd (__fish_segflux_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c segflux -n "__fish_segflux_needs_command" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_needs_command" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_needs_command" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_needs_command" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_needs_command" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_needs_command" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_needs_command" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_needs_command" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "generate" -d 'Submit a prompt, wait for the image, download it and print its path'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "submit" -d 'Submit a prompt and print its request id at once (fetch the image later)'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "status" -d 'Print each job\'s state; with no ID, list the jobs this machine submitted'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "fetch" -d 'Download a finished job\'s image'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "man" -d 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "emulator" -d 'Run a local emulator of the Segmind v2 API on loopback'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "inspect" -d 'Print the generation record embedded in an image segflux wrote'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "sheet" -d 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "credits" -d 'Print the account\'s remaining credits and free credits (USD)'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "config" -d 'Read and write the config file (the key always shown redacted)'
complete -c segflux -n "__fish_segflux_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l ar -l aspect-ratio -d 'Aspect ratio of the image [default: 1:1]' -r -f -a "21:9\t''
16:9\t''
3:2\t''
4:3\t''
5:4\t''
1:1\t''
4:5\t''
3:4\t''
2:3\t''
9:16\t''
9:21\t''"
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l seed -d 'Seed for reproducible images (a non-negative integer; random when absent, always shown)' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l safety-tolerance -d '1 (strictest) to 6 (most permissive) [default: 2]' -r -f -a "1\t''
2\t''
3\t''
4\t''
5\t''
6\t''"
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l image-prompt -d 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l format -d 'Image format asked of the API [default: from -o\'s extension, else jpg]' -r -f -a "jpg\t'JPEG'
png\t'PNG'"
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l model -d 'Segmind model slug [default: flux-1.1-pro-ultra]' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s p -l param -d 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s o -l output -d 'A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the image to stdout (not to a terminal, not with --json or in a batch) [default: .]' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l max-cost -d 'Refuse to spend more than this many US dollars: checked against the estimate before anything is sent, and in a batch against what was spent so far [config: max_cost]' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l from -d 'Prompts to generate: a text file (one prompt per line; blank lines and # comments skipped) or a .jsonl file (one object per line: prompt and any generation option); `-` reads standard input. The command-line options are each line\'s defaults' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s n -l count -d 'Images per prompt, with seeds seed, seed+1, …' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l concurrency -d 'Jobs in flight at once; lowered automatically while the API answers 429' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l manifest -d 'Append one JSON line per finished job to this file' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l shard -d 'Process only the K-th of N deterministic slices of the jobs (1-based), e.g. 2/4' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l raw -d 'Less processed, more natural-looking images'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l dry-run -d 'Print the exact request (URL and JSON body, key redacted) and send nothing'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l force -d 'Overwrite an existing file (in a batch: redo jobs whose file exists)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l no-metadata -d 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l sidecar -d 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l preview -d 'Show the image in the terminal once written (kitty, iTerm2, sixel or half blocks) [default: on when stdout and stderr are terminals, off in CI, with -q or --json; config: preview]'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l no-preview -d 'Do not show the image in the terminal'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l open -d 'Open the written image in the system\'s image viewer (returns at once)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l check -d 'Send nothing: list each job whose file is missing or out of date, count the images a run would pay for; exit 0 when everything is up to date, 1 otherwise (a CI gate)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand generate" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l ar -l aspect-ratio -d 'Aspect ratio of the image [default: 1:1]' -r -f -a "21:9\t''
16:9\t''
3:2\t''
4:3\t''
5:4\t''
1:1\t''
4:5\t''
3:4\t''
2:3\t''
9:16\t''
9:21\t''"
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l seed -d 'Seed for reproducible images (a non-negative integer; random when absent, always shown)' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l safety-tolerance -d '1 (strictest) to 6 (most permissive) [default: 2]' -r -f -a "1\t''
2\t''
3\t''
4\t''
5\t''
6\t''"
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l image-prompt -d 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l format -d 'Image format asked of the API [default: from -o\'s extension, else jpg]' -r -f -a "jpg\t'JPEG'
png\t'PNG'"
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l model -d 'Segmind model slug [default: flux-1.1-pro-ultra]' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -s p -l param -d 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l raw -d 'Less processed, more natural-looking images'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l dry-run -d 'Print the exact request (URL and JSON body, key redacted) and send nothing'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand submit" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand status" -l limit -d 'How many jobs the list shows' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l state -d 'List only jobs in this state (QUEUED, PROCESSING, COMPLETED, FAILED, SUBMITTING, …)' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l model -d 'List only jobs of this model' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l since -d 'List only jobs submitted within this long (e.g. 90s, 30m, 2h, 7d)' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l search -d 'List only jobs whose prompt contains this text (case-insensitive)' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand status" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand status" -l wait -d 'Block until each job is COMPLETED or FAILED'
complete -c segflux -n "__fish_segflux_using_subcommand status" -l reconcile -d 'Look up every uncertain job (a submit sent by a run that was stopped before the answer) in Segmind\'s request history: adopt it, or mark it NOT_SUBMITTED; sends no submit'
complete -c segflux -n "__fish_segflux_using_subcommand status" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand status" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand status" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand status" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand status" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -s o -l output -d 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l wait -d 'Wait for the job to finish first'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l force -d 'Overwrite an existing file'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l no-metadata -d 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l sidecar -d 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand completions" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand man" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand man" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand man" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand man" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand man" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand man" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand man" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand man" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l port -d 'Port of the API origin (0 picks a free one)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l cdn-port -d 'Port of the image (CDN) origin (0 picks a free one)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l queued-secs -d 'Seconds a job stays QUEUED' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l processing-secs -d 'Seconds a job stays PROCESSING' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l processing-spread -d 'Up to this many extra seconds of processing, fixed per seed (jobs of varied length)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l job-log -d 'Append one JSON line per finished job to this file, 5 s after it finished: its id, the instants it was submitted, started and completed, and the status polls and result fetches it received' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l capacity -d 'Jobs processed at once; further jobs wait QUEUED [default: unlimited]' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l require-key -d 'Accept only this API key [default: any non-empty key]' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l rate-limit -d 'Answer 429 beyond this many API requests per minute' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l image-size -d 'Size of the rendered images: `real` (the real service\'s, about 4 MP: 2048x2048 at 1:1, 2752x1536 at 16:9), `small` (long side 256 px, for fast tests) or a long side in pixels' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l credits -d 'The account\'s credits in USD (what `segflux credits` reports; a submit they cannot cover answers 406)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l price -d 'What each completed job costs, in USD (a FAILED job costs nothing)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l history-page-size -d 'Serve at most N records per request-history page, whatever `per_page` asks (each page reports its own `per_page`, `total` and `total_pages`) [default: 100]' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l no-metrics-cost -d 'Leave `cost` and `remaining_credits` out of finished jobs\' metrics'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand emulator" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -s o -l output -d 'The sheet to write, .jpg or .png (replaced if it exists)' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l columns -d 'Cells per row [default: about square]' -r
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l cell -d 'Size of a cell\'s picture, in pixels' -r
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l markdown -d 'Also write a Markdown table (thumbnail, prompt, seed, cost, status), e.g. to $GITHUB_STEP_SUMMARY' -r -F
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand sheet" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand credits" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -f -a "set" -d 'Set a key; `segflux config set api_key -` reads the key from stdin'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -f -a "get" -d 'Print a key\'s value'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -f -a "list" -d 'Print every key that is set'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -f -a "path" -d 'Print the config file\'s path'
complete -c segflux -n "__fish_segflux_using_subcommand config; and not __fish_seen_subcommand_from set get list path help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l api-key -d 'Segmind API key (flag beats environment beats config file)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l base-url -d 'API base URL' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Give up waiting after this many seconds (at most a week: results expire after an hour)' -r
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless `NO_COLOR` is set'
always\t'Always'
never\t'Never'"
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l emulator -d 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Machine-readable output on stdout, one JSON object per line'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Log each HTTP exchange on stderr (the key redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a key; `segflux config set api_key -` reads the key from stdin'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a key\'s value'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Print every key that is set'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c segflux -n "__fish_segflux_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "generate" -d 'Submit a prompt, wait for the image, download it and print its path'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "submit" -d 'Submit a prompt and print its request id at once (fetch the image later)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "status" -d 'Print each job\'s state; with no ID, list the jobs this machine submitted'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "fetch" -d 'Download a finished job\'s image'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "completions" -d 'Print a shell completion script'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "man" -d 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "emulator" -d 'Run a local emulator of the Segmind v2 API on loopback'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "inspect" -d 'Print the generation record embedded in an image segflux wrote'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "sheet" -d 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "credits" -d 'Print the account\'s remaining credits and free credits (USD)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "config" -d 'Read and write the config file (the key always shown redacted)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and not __fish_seen_subcommand_from generate submit status fetch completions man emulator inspect sheet credits config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c segflux -n "__fish_segflux_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set a key; `segflux config set api_key -` reads the key from stdin'
complete -c segflux -n "__fish_segflux_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print a key\'s value'
complete -c segflux -n "__fish_segflux_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Print every key that is set'
complete -c segflux -n "__fish_segflux_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
