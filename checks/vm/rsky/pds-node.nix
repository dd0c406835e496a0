# A NixOS module for the rsky VM tests: rsky-pds on http://localhost:2583
# (handles *.test, no invite codes, disk blobstore) with test keys, and a
# stand-in PLC directory on 127.0.0.1:2582 (../fake-plc.py), so that
# accounts can be created without network.
{ package }:
{ pkgs, ... }:
{
  imports = [ ../../../modules/rsky-pds.nix ];
  environment.systemPackages = [ pkgs.curl ];

  systemd.services.fake-plc = {
    wantedBy = [ "multi-user.target" ];
    before = [ "rsky-pds.service" ];
    serviceConfig.ExecStart = "${pkgs.python3.interpreter} ${../fake-plc.py} 2582";
  };

  services.rsky-pds = {
    enable = true;
    inherit package;
    settings = {
      PDS_HOSTNAME = "localhost";
      PDS_DID_PLC_URL = "http://127.0.0.1:2582";
      PDS_INVITE_REQUIRED = false;
    };
    # Test keys (sha256 of fixed strings); a real deployment keeps this
    # file out of the Nix store.
    environmentFiles = [
      (pkgs.writeText "rsky-pds-test-secrets.env" ''
        PDS_JWT_KEY_K256_PRIVATE_KEY_HEX=2d8e22288a997c018af459cfb9f6797252ab19c8279c1bcf4cd8d90e1a4f330e
        PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX=ea7f6d49f624bf61f25175300c18104df8e5cd5364dec0b6c464feb3c4f202fd
        PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=2a73d997e6f592fa29aa2d32c380f90036ca2f345bd7d9325af954372bc03aa3
        PDS_DPOP_SECRET=6f29ce02b31d43a5256fe63ae72accad60854b5c174ec78617ab4a25c42f72be
        PDS_ADMIN_PASS=vm-test-admin-password
      '')
    ];
  };
}
