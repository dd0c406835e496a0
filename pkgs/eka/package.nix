{ lib
, stdenv
, callPackage
, craneLib
, installShellFiles
}:
let
  workspace = callPackage ./workspace.nix { inherit craneLib; };
in
craneLib.buildPackage (workspace.commonArgs // {
  inherit (workspace) cargoArtifacts;
  pname = "eka";
  cargoExtraArgs = "--locked -p eka";
  # The workspace's tests run once, in the nextest check of the flake.
  doCheck = false;

  nativeBuildInputs = [ installShellFiles ];
  postInstall = lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform) ''
    installShellCompletion --cmd eka \
      --bash <($out/bin/eka completions bash) \
      --fish <($out/bin/eka completions fish) \
      --zsh <($out/bin/eka completions zsh)
  '';

  passthru = { inherit workspace; };

  meta = {
    description = "Command line tool for the atom protocol: signed, git-hosted packages and Nix-exact locks";
    homepage = "https://github.com/atom-nur/atom-nur";
    license = with lib.licenses; [ mit asl20 ];
    mainProgram = "eka";
    platforms = lib.platforms.linux ++ lib.platforms.darwin;
  };
})
