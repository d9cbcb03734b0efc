
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
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
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
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local emulator of the Segmind v2 API on loopback')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'segflux;generate' {
            [CompletionResult]::new('--ar', '--ar', [CompletionResultType]::ParameterName, 'Aspect ratio of the image')
            [CompletionResult]::new('--aspect-ratio', '--aspect-ratio', [CompletionResultType]::ParameterName, 'Aspect ratio of the image')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible images (a non-negative integer; random when absent, always shown)')
            [CompletionResult]::new('--safety-tolerance', '--safety-tolerance', [CompletionResultType]::ParameterName, '1 (strictest) to 6 (most permissive)')
            [CompletionResult]::new('--image-prompt', '--image-prompt', [CompletionResultType]::ParameterName, 'URL of an image used as a visual prompt')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Image format asked of the API [default: from -o''s extension, else jpg]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Segmind model slug')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Less processed, more natural-looking images')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request (URL and JSON body, key redacted) and send nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
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
            [CompletionResult]::new('--ar', '--ar', [CompletionResultType]::ParameterName, 'Aspect ratio of the image')
            [CompletionResult]::new('--aspect-ratio', '--aspect-ratio', [CompletionResultType]::ParameterName, 'Aspect ratio of the image')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible images (a non-negative integer; random when absent, always shown)')
            [CompletionResult]::new('--safety-tolerance', '--safety-tolerance', [CompletionResultType]::ParameterName, '1 (strictest) to 6 (most permissive)')
            [CompletionResult]::new('--image-prompt', '--image-prompt', [CompletionResultType]::ParameterName, 'URL of an image used as a visual prompt')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Image format asked of the API [default: from -o''s extension, else jpg]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Segmind model slug')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
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
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Block until each job is COMPLETED or FAILED')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;fetch' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'A file path, or a directory (existing, or ending in `/`) to write into [default: .]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the job to finish first')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;completions' {
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
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
            [CompletionResult]::new('--image-size', '--image-size', [CompletionResultType]::ParameterName, 'Long side of the rendered images in pixels')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'Segmind API key (flag beats environment beats config file)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'API base URL')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this many seconds')
            [CompletionResult]::new('--emulator', '--emulator', [CompletionResultType]::ParameterName, 'Run against the built-in emulator, started in-process on loopback (no key, no network)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout, one JSON object per line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each HTTP exchange on stderr (the key redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'segflux;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Submit a prompt, wait for the image, download it and print its path')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit a prompt and print its request id at once (fetch the image later)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Print each job''s state; with no ID, list the jobs this machine submitted')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download a finished job''s image')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run a local emulator of the Segmind v2 API on loopback')
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
        'segflux;help;emulator' {
            break
        }
        'segflux;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
