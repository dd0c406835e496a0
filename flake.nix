{
  description = "eka, the atom protocol command line, a Nix library for atom.lock, and ATproto services for NixOS";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    crane.url = "github:ipetkov/crane";
    fenix = {
      url = "github:nix-community/fenix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, crane, fenix }:
    let
      inherit (nixpkgs) lib;

      # Services, modules and VM tests are Linux only; eka also builds on macOS.
      linuxSystems = [ "x86_64-linux" "aarch64-linux" ];
      allSystems = linuxSystems ++ [ "x86_64-darwin" "aarch64-darwin" ];

      forSystems = systems: f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});

      craneLibFor = import ./nix/crane.nix {
        mkCrane = crane.mkLib;
        fenixFor = p: fenix.packages.${p.stdenv.hostPlatform.system};
      };

      packagesFor = pkgs: import ./pkgs {
        inherit pkgs;
        craneLib = craneLibFor pkgs;
      };

      modulePaths = import ./modules;
    in
    {
      lib = import ./nix;

      overlays.default = final: _prev: packagesFor final;

      nixosModules = lib.mapAttrs (_: path: import path) modulePaths // {
        default = {
          imports = lib.attrValues modulePaths;
          nixpkgs.overlays = [ self.overlays.default ];
        };
      };

      packages = forSystems allSystems (pkgs:
        let
          available = lib.filterAttrs (_: lib.meta.availableOn pkgs.stdenv.hostPlatform) (packagesFor pkgs);
        in
        available // { default = available.eka; });

      apps = forSystems allSystems (pkgs: {
        eka = {
          type = "app";
          program = lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.eka;
          meta.description = "Run eka, the atom protocol command line";
        };
      });

      checks = forSystems linuxSystems (pkgs:
        let
          system = pkgs.stdenv.hostPlatform.system;
          craneLib = craneLibFor pkgs;
          eka = self.packages.${system}.eka;
          inherit (eka.passthru.workspace) src commonArgs cargoArtifacts;

          nixFiles = lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.fileFilter (file: file.hasExt "nix") ./.;
          };
        in
        self.packages.${system}
        // {
          clippy = craneLib.cargoClippy (commonArgs // {
            inherit cargoArtifacts;
            cargoClippyExtraArgs = "--all-targets -- --deny warnings";
          });

          fmt = craneLib.cargoFmt { inherit src; };

          doc = craneLib.cargoDoc (commonArgs // {
            inherit cargoArtifacts;
            cargoDocExtraArgs = "--workspace --no-deps";
            env.RUSTDOCFLAGS = "--deny warnings";
          });

          # Tests that compare against Nix itself (`oracle_*` binaries) need a
          # Nix store of their own and run from checks/run instead.
          nextest = craneLib.cargoNextest (commonArgs // {
            inherit cargoArtifacts;
            # The git backend's tests build repositories and serve them on
            # loopback with `git daemon` and `git http-backend` (behind
            # Python's CGI server).
            nativeBuildInputs = (commonArgs.nativeBuildInputs or [ ]) ++ [ pkgs.git pkgs.python3 ];
            cargoNextestExtraArgs = "--workspace --no-tests=pass -E 'not binary(/^oracle_/)'";
          });

          nixpkgs-fmt = pkgs.runCommand "nixpkgs-fmt-check" { nativeBuildInputs = [ pkgs.nixpkgs-fmt ]; } ''
            nixpkgs-fmt --check ${nixFiles}
            touch $out
          '';
        }
        // import ./checks/vm { inherit pkgs self; });

      devShells = forSystems allSystems (pkgs: {
        default = (craneLibFor pkgs).devShell {
          checks = self.checks.${pkgs.stdenv.hostPlatform.system} or { };
          packages = [ pkgs.cargo-nextest pkgs.nixpkgs-fmt pkgs.git ];
        };
      });

      formatter = forSystems allSystems (pkgs: pkgs.nixpkgs-fmt);
    };
}
