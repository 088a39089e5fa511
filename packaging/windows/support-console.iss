; Inno Setup 6 script: the Windows installer of Support Console.
;
; Needs the PyInstaller one-folder build first (on Windows, from the repository root):
;   py -3.11 -m venv build\venv
;   build\venv\Scripts\pip install .[package] tzdata
;   build\venv\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\support-console.spec
;   iscc /DMyAppVersion=<version from pyproject.toml> packaging\windows\support-console.iss
; packaging/ci/build-installers.yml does exactly this on a Windows runner. It cannot be
; built on the Linux machines this project is developed on.
;
; Output: dist\support-console-<version>-windows-x64-setup.exe
; Silent rollout: support-console-<version>-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;   (add /TASKS="addtopath" or /MERGETASKS="autostart" to choose tasks), then copy the team's
;   config.toml to %ProgramData%\SupportConsole\ (see config.toml.example there).

; Keep this default in step with pyproject.toml (tests/test_packaging.py checks it); the CI
; workflow passes the version read from pyproject.toml with /DMyAppVersion anyway.
#ifndef MyAppVersion
  #define MyAppVersion "0.1.0"
#endif
#define MyAppName "Support Console"
#define MyAppPublisher "Support Console maintainers"
#define MyAppExe "support-console-gui.exe"
#define BuildDir "..\..\dist\support-console"

[Setup]
; The AppId identifies the program for upgrades and removal: never change it.
AppId={{BE6F920A-2A56-41D7-AE39-32851C97B7C6}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher={#MyAppPublisher}
VersionInfoVersion={#MyAppVersion}
DefaultDirName={autopf}\Support Console
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=support-console-{#MyAppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\support-console.ico
UninstallDisplayIcon={app}\{#MyAppExe}
UninstallDisplayName={#MyAppName} {#MyAppVersion}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Everyone's machine-wide install by default; a user without admin rights may pick a
; per-user install in the dialog.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ChangesEnvironment=yes
CloseApplications=yes
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
MinVersion=10.0

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Put the support-console command on the PATH"; GroupDescription: "Command line:"
Name: "autostart"; Description: "Start Support Console at sign-in (breach alerts all day)"; GroupDescription: "Start-up:"; Flags: unchecked

[Files]
; The whole PyInstaller folder: support-console.exe (command line), support-console-gui.exe
; (the same program without a console window) and _internal\ (Python, Qt, the migrations).
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\config.example.toml"; DestDir: "{commonappdata}\SupportConsole"; DestName: "config.toml.example"; Flags: ignoreversion
Source: "..\..\docs\rollout.md"; DestDir: "{app}\docs"; Flags: ignoreversion
Source: "..\..\resources\icons\support-console.ico"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
Name: "{commonappdata}\SupportConsole"

[Icons]
Name: "{autoprograms}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; Parameters: "gui"; IconFilename: "{app}\support-console.ico"; Comment: "Dashboards, SLA breaches and periodic jobs for support team leads"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; Parameters: "gui"; IconFilename: "{app}\support-console.ico"; Tasks: desktopicon
Name: "{autostartup}\{#MyAppName}"; Filename: "{app}\{#MyAppExe}"; Parameters: "gui"; IconFilename: "{app}\support-console.ico"; Tasks: autostart

[Run]
Filename: "{app}\{#MyAppExe}"; Parameters: "gui"; Description: "{cm:LaunchProgram,{#MyAppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Byte-code caches the program may have written next to the migration scripts.
Type: filesandordirs; Name: "{app}\_internal\core\migrations\__pycache__"
Type: filesandordirs; Name: "{app}\_internal\core\migrations\versions\__pycache__"
; Users' own data (%LOCALAPPDATA%\support-console) and the site config are left alone.

[Code]
const
  EnvKeyMachine = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';
  EnvKeyUser = 'Environment';

function EnvRoot: Integer;
begin
  if IsAdminInstallMode then Result := HKEY_LOCAL_MACHINE else Result := HKEY_CURRENT_USER;
end;

function EnvKey: String;
begin
  if IsAdminInstallMode then Result := EnvKeyMachine else Result := EnvKeyUser;
end;

function PathHas(const Paths, Dir: String): Boolean;
begin
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') > 0;
end;

procedure AddToPath(const Dir: String);
var
  Paths: String;
begin
  if not RegQueryStringValue(EnvRoot, EnvKey, 'Path', Paths) then Paths := '';
  if PathHas(Paths, Dir) then Exit;
  if (Paths <> '') and (Copy(Paths, Length(Paths), 1) <> ';') then Paths := Paths + ';';
  RegWriteExpandStringValue(EnvRoot, EnvKey, 'Path', Paths + Dir);
end;

procedure RemoveFromPath(const Dir: String);
var
  Paths: String;
  P: Integer;
begin
  if not RegQueryStringValue(EnvRoot, EnvKey, 'Path', Paths) then Exit;
  Paths := ';' + Paths + ';';
  P := Pos(';' + Uppercase(Dir) + ';', Uppercase(Paths));
  if P = 0 then Exit;
  Delete(Paths, P, Length(Dir) + 1);
  Paths := Copy(Paths, 2, Length(Paths) - 2);
  RegWriteExpandStringValue(EnvRoot, EnvKey, 'Path', Paths);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('addtopath') then
    AddToPath(ExpandConstant('{app}'));
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RemoveFromPath(ExpandConstant('{app}'));
end;
