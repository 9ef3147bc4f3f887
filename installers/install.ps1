# Installs (or upgrades) `da`, the Agnes command-line client, on Windows from the Agnes server that
# served this script, and points `da` at that server.
#
#   irm https://agnes.example.com/cli/install.ps1 | iex
#
# Environment:
#   DA_INSTALL_DIR   where da.exe goes (default: %LOCALAPPDATA%\Programs\da); added to the user PATH
#   DA_CONFIG_DIR    the CLI's config dir (default: $env:XDG_CONFIG_HOME\da, else ~\.config\da)
#   DA_INSTALL_PRINT_TARGET=1  print the build this machine would get, change nothing, and exit
#
# Everything runs inside Install-Da, called on the last line, so a download cut short runs nothing.

$AgnesServer = '__AGNES_SERVER_URL__'
# The server's da signing key (minisign public key): pinned in config.yml, and checked with
# minisign.exe when it is on PATH (.NET has no Ed25519 in Windows PowerShell 5.1).
$AgnesSigningKey = '__AGNES_SIGNING_KEY__'

function Test-DaSignature($entry) {
    $minisign = Get-Command minisign -ErrorAction SilentlyContinue
    if (-not $minisign) {
        Write-Warning 'minisign is not installed, so the release signature cannot be checked here; relying on the SHA-256 from the server'
        return
    }
    $sums = Join-Path ([IO.Path]::GetTempPath()) "da-SHA256SUMS-$PID"
    try {
        Invoke-WebRequest -UseBasicParsing -Uri "$AgnesServer/cli/SHA256SUMS" -OutFile $sums
        Invoke-WebRequest -UseBasicParsing -Uri "$AgnesServer/cli/SHA256SUMS.minisig" -OutFile "$sums.minisig"
        & $minisign.Source -Vq -P $AgnesSigningKey -m $sums -x "$sums.minisig" *> $null
        if ($LASTEXITCODE -ne 0) { throw "The signature of $AgnesServer/cli/SHA256SUMS does not verify with the server's signing key; not installing" }
        $line = Get-Content -Path $sums | Where-Object { ($_ -split '\s+\*?')[1] -eq $entry.filename } | Select-Object -First 1
        if (-not $line -or ($line -split '\s+')[0] -ne $entry.sha256) { throw "The signed SHA256SUMS does not list $($entry.filename) with the manifest's checksum; not installing" }
        Write-Host 'Signature verified with minisign'
    } finally {
        Remove-Item -Force -ErrorAction SilentlyContinue $sums, "$sums.minisig"
    }
}

function Install-Da {
    $ErrorActionPreference = 'Stop'
    # Windows PowerShell 5.1 draws its progress bar so slowly that it slows the download many times over.
    $ProgressPreference = 'SilentlyContinue'
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

    $arch = $env:PROCESSOR_ARCHITECTURE
    if ($env:PROCESSOR_ARCHITEW6432) { $arch = $env:PROCESSOR_ARCHITEW6432 }
    switch ($arch) {
        'AMD64' { $target = 'windows-x64' }
        'ARM64' { $target = 'windows-x64'; Write-Warning 'No native Windows arm64 build; installing the x64 build (runs under emulation).' }
        default { throw "Unsupported CPU architecture: $arch (da for Windows is built for x64)" }
    }

    try {
        $manifest = Invoke-RestMethod -UseBasicParsing -Uri "$AgnesServer/cli/manifest.json"
    } catch {
        throw "Cannot reach the Agnes server at $AgnesServer ($($_.Exception.Message))"
    }
    $entry = $manifest.targets | Where-Object { $_.target -eq $target } | Select-Object -First 1
    if (-not $entry) {
        throw "The server at $AgnesServer has no da build for $target; an administrator can run 'bun run build' there"
    }
    if ($env:DA_INSTALL_PRINT_TARGET -eq '1') { Write-Output $target; return }
    $version = $manifest.version
    Test-DaSignature $entry

    $dir = if ($env:DA_INSTALL_DIR) { $env:DA_INSTALL_DIR } else { Join-Path $env:LOCALAPPDATA 'Programs\da' }
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $dest = Join-Path $dir 'da.exe'
    $old = $null
    if (Test-Path $dest) {
        $old = (& $dest --version 2>$null | Select-Object -First 1) -replace '^\D*([0-9][^ ]*).*$', '$1'
    }

    if ((Test-Path $dest) -and ((Get-FileHash -Algorithm SHA256 -Path $dest).Hash.ToLowerInvariant() -eq $entry.sha256)) {
        Write-Host "da $version ($target) is already installed at $dest"
    } else {
        Write-Host "Downloading da $version for $target from $AgnesServer ($([math]::Round($entry.size / 1MB)) MB)"
        # Same directory as the destination, so the final move is a rename; .exe so it can be run.
        $tmp = Join-Path $dir ".da-download-$PID.exe"
        try {
            Invoke-WebRequest -UseBasicParsing -Uri "$AgnesServer/cli/download/$target" -OutFile $tmp
            $actual = (Get-FileHash -Algorithm SHA256 -Path $tmp).Hash.ToLowerInvariant()
            if ($actual -ne $entry.sha256) {
                throw "Checksum mismatch for $($entry.filename): expected $($entry.sha256), got $actual. Not installing; $dest was not changed"
            }
            & $tmp --version *> $null
            if ($LASTEXITCODE -ne 0) { throw "The downloaded da does not run on this machine; $dest was not changed" }
            Move-Item -Force -Path $tmp -Destination $dest
        } finally {
            if (Test-Path $tmp) { Remove-Item -Force $tmp }
        }
        if ($old -and $old -ne $version) { Write-Host "Upgraded da $old -> $version at $dest" }
        else { Write-Host "Installed da $version at $dest" }
    }

    # Config: replace the server: line of config.yml (or add one), keeping every other line.
    $configDir = if ($env:DA_CONFIG_DIR) { $env:DA_CONFIG_DIR }
        elseif ($env:XDG_CONFIG_HOME) { Join-Path $env:XDG_CONFIG_HOME 'da' }
        else { Join-Path $HOME '.config\da' }
    New-Item -ItemType Directory -Force -Path $configDir | Out-Null
    $configFile = Join-Path $configDir 'config.yml'
    $lines = @()
    if (Test-Path $configFile) { $lines = @(Get-Content -Path $configFile) }
    $serverLine = "server: $AgnesServer"
    $keyLine = "signing_key: $AgnesSigningKey"
    $found = $false
    $foundKey = $false
    $merged = @(foreach ($line in $lines) {
        if ($line -match '^server\s*:') { if (-not $found) { $serverLine }; $found = $true }
        elseif ($line -match '^signing_key\s*:') { if (-not $foundKey) { $keyLine }; $foundKey = $true }
        else { $line }
    })
    if (-not $found) { $merged += $serverLine }
    if (-not $foundKey) { $merged += $keyLine }
    [IO.File]::WriteAllLines($configFile, [string[]]$merged)   # UTF-8 without a BOM
    Write-Host "Server set to $AgnesServer in $configFile"

    # PATH: the user's own PATH only (no admin rights needed); new terminals pick it up.
    $userPath = [Environment]::GetEnvironmentVariable('Path', 'User')
    $parts = @($userPath -split ';' | Where-Object { $_ })
    if ($parts -notcontains $dir) {
        [Environment]::SetEnvironmentVariable('Path', (@($parts) + $dir) -join ';', 'User')
        Write-Host "Added $dir to your user PATH (open a new terminal to use it)."
    }
    if (($env:Path -split ';') -notcontains $dir) { $env:Path = "$env:Path;$dir" }

    & $dest --version
    Write-Host ''
    Write-Host 'Next steps:'
    Write-Host "  da login                   sign in to $AgnesServer in your browser (--device: with a code)"
    Write-Host '  da auth whoami             check who you are signed in as'
    Write-Host '  da auth token create       a token for scripts and CI (use it as DA_TOKEN)'
}

Install-Da
