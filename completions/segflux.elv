
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
            cand --timeout 'Give up waiting after this many seconds'
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
            cand emulator 'Run a local emulator of the Segmind v2 API on loopback'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'segflux;generate'= {
            cand --ar 'Aspect ratio of the image'
            cand --aspect-ratio 'Aspect ratio of the image'
            cand --seed 'Seed for reproducible images (a non-negative integer; random when absent, always shown)'
            cand --safety-tolerance '1 (strictest) to 6 (most permissive)'
            cand --image-prompt 'URL of an image used as a visual prompt'
            cand --format 'Image format asked of the API [default: from -o''s extension, else jpg]'
            cand --model 'Segmind model slug'
            cand -p 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --param 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand -o 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --output 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
            cand --raw 'Less processed, more natural-looking images'
            cand --dry-run 'Print the exact request (URL and JSON body, key redacted) and send nothing'
            cand --force 'Overwrite an existing file'
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
            cand --ar 'Aspect ratio of the image'
            cand --aspect-ratio 'Aspect ratio of the image'
            cand --seed 'Seed for reproducible images (a non-negative integer; random when absent, always shown)'
            cand --safety-tolerance '1 (strictest) to 6 (most permissive)'
            cand --image-prompt 'URL of an image used as a visual prompt'
            cand --format 'Image format asked of the API [default: from -o''s extension, else jpg]'
            cand --model 'Segmind model slug'
            cand -p 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --param 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
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
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
            cand --wait 'Block until each job is COMPLETED or FAILED'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;fetch'= {
            cand -o 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --output 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
            cand --wait 'Wait for the job to finish first'
            cand --force 'Overwrite an existing file'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;completions'= {
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
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
            cand --image-size 'Long side of the rendered images in pixels'
            cand --api-key 'Segmind API key (flag beats environment beats config file)'
            cand --base-url 'API base URL'
            cand --timeout 'Give up waiting after this many seconds'
            cand --emulator 'Run against the built-in emulator, started in-process on loopback (no key, no network)'
            cand --json 'Machine-readable output on stdout, one JSON object per line'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Log each HTTP exchange on stderr (the key redacted)'
            cand --verbose 'Log each HTTP exchange on stderr (the key redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'segflux;help'= {
            cand generate 'Submit a prompt, wait for the image, download it and print its path'
            cand submit 'Submit a prompt and print its request id at once (fetch the image later)'
            cand status 'Print each job''s state; with no ID, list the jobs this machine submitted'
            cand fetch 'Download a finished job''s image'
            cand completions 'Print a shell completion script'
            cand emulator 'Run a local emulator of the Segmind v2 API on loopback'
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
        &'segflux;help;emulator'= {
        }
        &'segflux;help;help'= {
        }
    ]
    $completions[$command]
}
