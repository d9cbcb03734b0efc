
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'segflux' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'segflux'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'segflux' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Submit a prompt, wait for the image, download it and print its path')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit a prompt and print its request id at once (fetch the image later)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print each job''s state; with no ID, list the jobs this machine submitted')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download a finished job''s image')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local emulator of the Segmind v2 API on loopback')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Print the generation record embedded in an image segflux wrote')
            [CompletionResult]::new('sheet', 'sheet', [CompletionResultType]::ParameterValue, 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt')
            [CompletionResult]::new('credits', 'credits', [CompletionResultType]::ParameterValue, 'Print the account''s remaining credits and free credits (USD)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and write the config file (the key always shown redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'segflux;generate' {
            [CompletionResult]::new('--ar', '--ar', [CompletionResultType]::ParameterName, 'Aspect ratio of the image [default: 1:1]')
            [CompletionResult]::new('--aspect-ratio', '--aspect-ratio', [CompletionResultType]::ParameterName, 'Aspect ratio of the image [default: 1:1]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible images (a non-negative integer; random when absent, always shown)')
            [CompletionResult]::new('--safety-tolerance', '--safety-tolerance', [CompletionResultType]::ParameterName, '1 (strictest) to 6 (most permissive) [default: 2]')
            [CompletionResult]::new('--image-prompt', '--image-prompt', [CompletionResultType]::ParameterName, 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Image format asked of the API [default: from -o''s extension, else jpg]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Segmind model slug [default: flux-1.1-pro-ultra]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the image to stdout (not to a terminal, not with --json or in a batch) [default: .]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the image to stdout (not to a terminal, not with --json or in a batch) [default: .]')
            [CompletionResult]::new('--max-cost', '--max-cost', [CompletionResultType]::ParameterName, 'Refuse to spend more than this many US dollars: checked against the estimate before anything is sent, and in a batch against what was spent so far [config: max_cost]')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Prompts to generate: a text file (one prompt per line; blank lines and # comments skipped) or a .jsonl file (one object per line: prompt and any generation option); `-` reads standard input. The command-line options are each line''s defaults')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Images per prompt, with seeds seed, seed+1, …')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Images per prompt, with seeds seed, seed+1, …')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Jobs in flight at once; lowered automatically while the API answers 429')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Append one JSON line per finished job to this file')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Process only the K-th of N deterministic slices of the jobs (1-based), e.g. 2/4')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Less processed, more natural-looking images')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request (URL and JSON body, key redacted) and send nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file (in a batch: redo jobs whose file exists)')
            [CompletionResult]::new('--no-metadata', '--no-metadata', [CompletionResultType]::ParameterName, 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent')
            [CompletionResult]::new('--sidecar', '--sidecar', [CompletionResultType]::ParameterName, 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)')
            [CompletionResult]::new('--preview', '--preview', [CompletionResultType]::ParameterName, 'Show the image in the terminal once written (kitty, iTerm2, sixel or half blocks) [default: on when stdout and stderr are terminals, off in CI, with -q or --json; config: preview]')
            [CompletionResult]::new('--no-preview', '--no-preview', [CompletionResultType]::ParameterName, 'Do not show the image in the terminal')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the written image in the system''s image viewer (returns at once)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Send nothing: list each job whose file is missing or out of date, count the images a run would pay for; exit 0 when everything is up to date, 1 otherwise (a CI gate)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;submit' {
            [CompletionResult]::new('--ar', '--ar', [CompletionResultType]::ParameterName, 'Aspect ratio of the image [default: 1:1]')
            [CompletionResult]::new('--aspect-ratio', '--aspect-ratio', [CompletionResultType]::ParameterName, 'Aspect ratio of the image [default: 1:1]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible images (a non-negative integer; random when absent, always shown)')
            [CompletionResult]::new('--safety-tolerance', '--safety-tolerance', [CompletionResultType]::ParameterName, '1 (strictest) to 6 (most permissive) [default: 2]')
            [CompletionResult]::new('--image-prompt', '--image-prompt', [CompletionResultType]::ParameterName, 'Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Image format asked of the API [default: from -o''s extension, else jpg]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Segmind model slug [default: flux-1.1-pro-ultra]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Less processed, more natural-looking images')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request (URL and JSON body, key redacted) and send nothing')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;status' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many jobs the list shows')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'List only jobs in this state (QUEUED, PROCESSING, COMPLETED, FAILED, SUBMITTING, …)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'List only jobs of this model')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'List only jobs submitted within this long (e.g. 90s, 30m, 2h, 7d)')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'List only jobs whose prompt contains this text (case-insensitive)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Block until each job is COMPLETED or FAILED')
            [CompletionResult]::new('--reconcile', '--reconcile', [CompletionResultType]::ParameterName, 'Look up every uncertain job (a submit sent by a run that was stopped before the answer) in Segmind''s request history: adopt it, or mark it NOT_SUBMITTED; sends no submit')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;fetch' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the job to finish first')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--no-metadata', '--no-metadata', [CompletionResultType]::ParameterName, 'Do not embed the generation record (prompt, seed, model, options, request id) in the image; the file is then exactly the image the API sent')
            [CompletionResult]::new('--sidecar', '--sidecar', [CompletionResultType]::ParameterName, 'Also write the generation record as pretty JSON beside the image, named like the image plus `.json` (`42-ef3ec516c4be.jpg.json`)')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;completions' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;man' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;emulator' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port of the API origin (0 picks a free one)')
            [CompletionResult]::new('--cdn-port', '--cdn-port', [CompletionResultType]::ParameterName, 'Port of the image (CDN) origin (0 picks a free one)')
            [CompletionResult]::new('--queued-secs', '--queued-secs', [CompletionResultType]::ParameterName, 'Seconds a job stays QUEUED')
            [CompletionResult]::new('--processing-secs', '--processing-secs', [CompletionResultType]::ParameterName, 'Seconds a job stays PROCESSING')
            [CompletionResult]::new('--processing-spread', '--processing-spread', [CompletionResultType]::ParameterName, 'Up to this many extra seconds of processing, fixed per seed (jobs of varied length)')
            [CompletionResult]::new('--job-log', '--job-log', [CompletionResultType]::ParameterName, 'Append one JSON line per finished job to this file, 5 s after it finished: its id, the instants it was submitted, started and completed, and the status polls and result fetches it received')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Jobs processed at once; further jobs wait QUEUED [default: unlimited]')
            [CompletionResult]::new('--require-key', '--require-key', [CompletionResultType]::ParameterName, 'Accept only this API key [default: any non-empty key]')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Answer 429 beyond this many API requests per minute')
            [CompletionResult]::new('--image-size', '--image-size', [CompletionResultType]::ParameterName, 'Size of the rendered images: `real` (the real service''s, about 4 MP: 2048x2048 at 1:1, 2752x1536 at 16:9), `small` (long side 256 px, for fast tests) or a long side in pixels')
            [CompletionResult]::new('--credits', '--credits', [CompletionResultType]::ParameterName, 'The account''s credits in USD (what `segflux credits` reports; a submit they cannot cover answers 406)')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'What each completed job costs, in USD (a FAILED job costs nothing)')
            [CompletionResult]::new('--history-page-size', '--history-page-size', [CompletionResultType]::ParameterName, 'Serve at most N records per request-history page, whatever `per_page` asks (each page reports its own `per_page`, `total` and `total_pages`) [default: 100]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--no-metrics-cost', '--no-metrics-cost', [CompletionResultType]::ParameterName, 'Leave `cost` and `remaining_credits` out of finished jobs'' metrics')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;inspect' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;sheet' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The sheet to write, .jpg or .png (replaced if it exists)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The sheet to write, .jpg or .png (replaced if it exists)')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'Cells per row [default: about square]')
            [CompletionResult]::new('--cell', '--cell', [CompletionResultType]::ParameterName, 'Size of a cell''s picture, in pixels')
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Also write a Markdown table (thumbnail, prompt, seed, cost, status), e.g. to $GITHUB_STEP_SUMMARY')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;credits' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;config' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key; `segflux config set api_key -` reads the key from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a key''s value')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every key that is set')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'segflux;config;set' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;config;get' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;config;list' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;config;path' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds (at most a week: results expire after an hour)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;config;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key; `segflux config set api_key -` reads the key from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a key''s value')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every key that is set')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'segflux;config;help;set' {
            break
        }
        'segflux;config;help;get' {
            break
        }
        'segflux;config;help;list' {
            break
        }
        'segflux;config;help;path' {
            break
        }
        'segflux;config;help;help' {
            break
        }
        'segflux;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Submit a prompt, wait for the image, download it and print its path')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit a prompt and print its request id at once (fetch the image later)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print each job''s state; with no ID, list the jobs this machine submitted')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download a finished job''s image')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff): segflux(1), or segflux-COMMAND(1)')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local emulator of the Segmind v2 API on loopback')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Print the generation record embedded in an image segflux wrote')
            [CompletionResult]::new('sheet', 'sheet', [CompletionResultType]::ParameterValue, 'Make a contact sheet of many images (files, directories, manifests), each captioned with its seed and prompt')
            [CompletionResult]::new('credits', 'credits', [CompletionResultType]::ParameterValue, 'Print the account''s remaining credits and free credits (USD)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Read and write the config file (the key always shown redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'segflux;help;generate' {
            break
        }
        'segflux;help;submit' {
            break
        }
        'segflux;help;status' {
            break
        }
        'segflux;help;fetch' {
            break
        }
        'segflux;help;completions' {
            break
        }
        'segflux;help;man' {
            break
        }
        'segflux;help;emulator' {
            break
        }
        'segflux;help;inspect' {
            break
        }
        'segflux;help;sheet' {
            break
        }
        'segflux;help;credits' {
            break
        }
        'segflux;help;config' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key; `segflux config set api_key -` reads the key from stdin')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a key''s value')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Print every key that is set')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            break
        }
        'segflux;help;config;set' {
            break
        }
        'segflux;help;config;get' {
            break
        }
        'segflux;help;config;list' {
            break
        }
        'segflux;help;config;path' {
            break
        }
        'segflux;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
