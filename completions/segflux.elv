
use builtin;
use str;

set edit:completion:arg-completer[segflux] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'segflux'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'segflux'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand generate 'Submit a prompt, wait for the image, download it and print its path'
            cand submit 'Submit a prompt and print its request id at once (fetch the image later)'
            cand status 'Print each job''s state; with no ID, list the jobs this machine submitted'
            cand fetch 'Download a finished job''s image'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)'
            cand emulator 'Run a local emulator of the Segmind v2 API on loopback'
            cand inspect 'Print the generation record embedded in an image segflux wrote'
            cand sheet 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt'
            cand credits 'Print the account''s remaining credits and free credits (USD)'
            cand config 'Read and write the config file (the key always shown redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'segflux;generate'= {
            cand --ar 'Aspect ratio of the image [default: 1:1]'
            cand --aspect-ratio 'Aspect ratio of the image [default: 1:1]'
            cand --seed 'Seed for reproducible images (a non-negative integer; random when absent, always shown)'
            cand --safety-tolerance '1 (strictest) to 6 (most permissive) [default: 2]'
            cand --image-prompt 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)'
            cand --format 'Image format asked of the API [default: from -o''s extension, else jpg]'
            cand --model 'Segmind model slug [default: flux-1.1-pro-ultra]'
            cand -p 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --param 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand -o 'A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the image to stdout (not to a terminal, not with --json or in a batch) [default: .]'
            cand --output 'A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the image to stdout (not to a terminal, not with --json or in a batch) [default: .]'
            cand --max-cost 'Refuse to spend more than this many US dollars: checked against the estimate before anything is sent, and in a batch against what was spent so far [config: max_cost]'
            cand --from 'Prompts to generate: a text file (one prompt per line; blank lines and # comments skipped) or a .jsonl file (one object per line: prompt and any generation option); `-` reads standard input. The command-line options are each line''s defaults'
            cand -n 'Images per prompt, with seeds seed, seed+1, …'
            cand --count 'Images per prompt, with seeds seed, seed+1, …'
            cand --concurrency 'Jobs in flight at once; lowered automatically while the API answers 429'
            cand --manifest 'Append one JSON line per finished job to this file'
            cand --shard 'Process only the K-th of N deterministic slices of the jobs (1-based), e.g. 2/4'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --raw 'Less processed, more natural-looking images'
            cand --dry-run 'Print the exact request (URL and JSON body, key redacted) and send nothing'
            cand --force 'Overwrite an existing file (in a batch: redo jobs whose file exists)'
            cand --no-metadata 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent'
            cand --sidecar 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)'
            cand --preview 'Show the image in the terminal once written (kitty, iTerm2, sixel or half blocks) [default: on when stdout and stderr are terminals, off in CI, with -q or --json; config: preview]'
            cand --no-preview 'Do not show the image in the terminal'
            cand --open 'Open the written image in the system''s image viewer (returns at once)'
            cand --check 'Send nothing: list each job whose file is missing or out of date, count the images a run would pay for; exit 0 when everything is up to date, 1 otherwise (a CI gate)'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;submit'= {
            cand --ar 'Aspect ratio of the image [default: 1:1]'
            cand --aspect-ratio 'Aspect ratio of the image [default: 1:1]'
            cand --seed 'Seed for reproducible images (a non-negative integer; random when absent, always shown)'
            cand --safety-tolerance '1 (strictest) to 6 (most permissive) [default: 2]'
            cand --image-prompt 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)'
            cand --format 'Image format asked of the API [default: from -o''s extension, else jpg]'
            cand --model 'Segmind model slug [default: flux-1.1-pro-ultra]'
            cand -p 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --param 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --raw 'Less processed, more natural-looking images'
            cand --dry-run 'Print the exact request (URL and JSON body, key redacted) and send nothing'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;status'= {
            cand --limit 'How many jobs the list shows'
            cand --state 'List only jobs in this state (QUEUED, PROCESSING, COMPLETED, FAILED, SUBMITTING, …)'
            cand --model 'List only jobs of this model'
            cand --since 'List only jobs submitted within this long (e.g. 90s, 30m, 2h, 7d)'
            cand --search 'List only jobs whose prompt contains this text (case-insensitive)'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --wait 'Block until each job is COMPLETED or FAILED'
            cand --reconcile 'Look up every uncertain job (a submit sent by a run that was stopped before the answer) in Segmind''s request history: adopt it, or mark it NOT_SUBMITTED; sends no submit'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;fetch'= {
            cand -o 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --output 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --wait 'Wait for the job to finish first'
            cand --force 'Overwrite an existing file'
            cand --no-metadata 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent'
            cand --sidecar 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;completions'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;man'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;emulator'= {
            cand --port 'Port of the API origin (0 picks a free one)'
            cand --cdn-port 'Port of the image (CDN) origin (0 picks a free one)'
            cand --queued-secs 'Seconds a job stays QUEUED'
            cand --processing-secs 'Seconds a job stays PROCESSING'
            cand --processing-spread 'Up to this many extra seconds of processing, fixed per seed (jobs of varied length)'
            cand --job-log 'Append one JSON line per finished job to this file, 5 s after it finished: its id, the instants it was submitted, started and completed, and the status polls and result fetches it received'
            cand --capacity 'Jobs processed at once; further jobs wait QUEUED [default: unlimited]'
            cand --require-key 'Accept only this API key [default: any non-empty key]'
            cand --rate-limit 'Answer 429 beyond this many API requests per minute'
            cand --image-size 'Size of the rendered images: `real` (the real service''s, about 4 MP: 2048x2048 at 1:1, 2752x1536 at 16:9), `small` (long side 256 px, for fast tests) or a long side in pixels'
            cand --credits 'The account''s credits in USD (what `segflux credits` reports; a submit they cannot cover answers 406)'
            cand --price 'What each completed job costs, in USD (a FAILED job costs nothing)'
            cand --history-page-size 'Serve at most N records per request-history page, whatever `per_page` asks (each page reports its own `per_page`, `total` and `total_pages`) [default: 100]'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --no-metrics-cost 'Leave `cost` and `remaining_credits` out of finished jobs'' metrics'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;inspect'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;sheet'= {
            cand -o 'The sheet to write, .jpg or .png (replaced if it exists)'
            cand --output 'The sheet to write, .jpg or .png (replaced if it exists)'
            cand --columns 'Cells per row [default: about square]'
            cand --cell 'Size of a cell''s picture, in pixels'
            cand --markdown 'Also write a Markdown table (thumbnail, prompt, seed, cost, status), e.g. to $GITHUB_STEP_SUMMARY'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;credits'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;config'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a key; `segflux config set api_key -` reads the key from stdin'
            cand get 'Print a key''s value'
            cand list 'Print every key that is set'
            cand path 'Print the config file''s path'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'segflux;config;set'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;config;get'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;config;list'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;config;path'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds (at most a week: results expire after an hour)'
            cand --color 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;config;help'= {
            cand set 'Set a key; `segflux config set api_key -` reads the key from stdin'
            cand get 'Print a key''s value'
            cand list 'Print every key that is set'
            cand path 'Print the config file''s path'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'segflux;config;help;set'= {
        }
        &'segflux;config;help;get'= {
        }
        &'segflux;config;help;list'= {
        }
        &'segflux;config;help;path'= {
        }
        &'segflux;config;help;help'= {
        }
        &'segflux;help'= {
            cand generate 'Submit a prompt, wait for the image, download it and print its path'
            cand submit 'Submit a prompt and print its request id at once (fetch the image later)'
            cand status 'Print each job''s state; with no ID, list the jobs this machine submitted'
            cand fetch 'Download a finished job''s image'
            cand completions 'Print a shell completion script'
            cand man 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)'
            cand emulator 'Run a local emulator of the Segmind v2 API on loopback'
            cand inspect 'Print the generation record embedded in an image segflux wrote'
            cand sheet 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt'
            cand credits 'Print the account''s remaining credits and free credits (USD)'
            cand config 'Read and write the config file (the key always shown redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'segflux;help;generate'= {
        }
        &'segflux;help;submit'= {
        }
        &'segflux;help;status'= {
        }
        &'segflux;help;fetch'= {
        }
        &'segflux;help;completions'= {
        }
        &'segflux;help;man'= {
        }
        &'segflux;help;emulator'= {
        }
        &'segflux;help;inspect'= {
        }
        &'segflux;help;sheet'= {
        }
        &'segflux;help;credits'= {
        }
        &'segflux;help;config'= {
            cand set 'Set a key; `segflux config set api_key -` reads the key from stdin'
            cand get 'Print a key''s value'
            cand list 'Print every key that is set'
            cand path 'Print the config file''s path'
        }
        &'segflux;help;config;set'= {
        }
        &'segflux;help;config;get'= {
        }
        &'segflux;help;config;list'= {
        }
        &'segflux;help;config;path'= {
        }
        &'segflux;help;help'= {
        }
    ]
    $completions[$command]
}
